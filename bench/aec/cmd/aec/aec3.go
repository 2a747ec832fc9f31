//go:build !webrtc03

package main

import (
	"errors"
	"os"
	"syscall"

	"github.com/CoyAce/apm"
)

func init() {
	engines["aec3"] = newAEC3
	engines["webrtc03"] = execWebrtc03
}

// execWebrtc03 runs aec-webrtc03, next to this binary, with these
// arguments in this process's place (see the package comment for why).
func execWebrtc03(options) (engine, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	err = syscall.Exec(self+"-webrtc03", append([]string{self + "-webrtc03"}, os.Args[1:]...), os.Environ())
	if errors.Is(err, os.ErrNotExist) {
		err = errors.New("no aec-webrtc03 next to aec: build.sh makes it where pkg-config finds webrtc-audio-processing (Debian 12's libwebrtc-audio-processing-dev)")
	}
	return nil, err
}

// aec3 is WebRTC's AudioProcessing (v0.1.4 of github.com/CoyAce/apm, a
// recent WebRTC): AEC3 (not the mobile AECM), the high-pass filter, and
// with -ns its noise suppressor, with -agc its AGC2 (adaptive digital; no
// analog microphone volume to drive here).
type aec3 struct {
	p       *apm.Processor
	delayMs int
}

func newAEC3(o options) (engine, error) {
	p, err := apm.New(apm.Config{
		CaptureChannels:       1,
		RenderChannels:        1,
		HighPassFilterEnabled: true,
		EchoCancellation:      apm.EchoCancellationConfig{Enabled: true, MobileMode: false, StreamDelayMs: o.delayMs},
		// kHigh, as Chromium configures it.
		NoiseSuppression: apm.NoiseSuppressionConfig{Enabled: o.ns, SuppressionLevel: apm.NsLevelHigh},
		// WebRTC's defaults for AGC2's adaptive digital controller.
		GainControl: apm.GainControlConfig{Enabled: o.agc, HeadroomDB: 5, MaxGainDB: 50},
	})
	if err != nil {
		return nil, err
	}
	return &aec3{p: p, delayMs: o.delayMs}, nil
}

func (a *aec3) render(far []float32) error { return a.p.ProcessRender(far) }

func (a *aec3) capture(mic []float32) error {
	// The hint goes with every captured frame, as a live call's would.
	a.p.SetStreamDelay(a.delayMs)
	return a.p.ProcessCapture(mic)
}

func (a *aec3) close() { a.p.Close() }
