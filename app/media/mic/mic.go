// Package mic is Parley's microphone driver for pion/mediadevices, built on
// miniaudio (gen2brain/malgo). It replaces mediadevices' own microphone
// driver for three reasons: that driver panics during package init when
// the audio system cannot start (a machine without sound hardware would
// crash at launch); it hands miniaudio's reused capture buffer to the
// reader without copying (pion/mediadevices issue #500), so audio could be
// overwritten while it is being encoded; and it registers miniaudio's
// "null" backend, a fake device that captures silence, as a microphone.
//
// Discover finds the capture devices and registers them with the driver
// manager; calling it again registers newly plugged devices and removes
// vanished ones, which the settings menu uses for hot-plug.
package mic

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/gen2brain/malgo"
	"github.com/pion/mediadevices/pkg/driver"
)

// ErrNoAudioSystem means no real audio backend could start: there are no
// microphones to offer.
var ErrNoAudioSystem = errors.New("mic: no audio system available")

// backends are the real audio systems per platform; miniaudio's null
// backend is left out on purpose.
func backends() []malgo.Backend {
	switch runtime.GOOS {
	case "linux":
		return []malgo.Backend{malgo.BackendPulseaudio, malgo.BackendAlsa, malgo.BackendJack}
	case "darwin":
		return []malgo.Backend{malgo.BackendCoreaudio}
	case "windows":
		return []malgo.Backend{malgo.BackendWasapi, malgo.BackendDsound, malgo.BackendWinmm}
	}
	return []malgo.Backend{malgo.BackendOss, malgo.BackendSndio, malgo.BackendAudio4}
}

// isNullDevice reports ALSA's "null" PCM ("Discard all samples (playback)
// or generate zero samples (capture)"), which ALSA lists even on machines
// without sound hardware and which would pose as a silent microphone.
func isNullDevice(id malgo.DeviceID) bool {
	return bytes.HasPrefix(id[:], []byte("null\x00"))
}

var state struct {
	mu         sync.Mutex
	ctx        *malgo.AllocatedContext
	registered map[string]*microphone // by miniaudio device id
}

// Discover starts the audio system on first use and brings the driver
// manager's microphones up to date. It returns ErrNoAudioSystem (wrapping
// the cause) when no backend starts; it never panics.
func Discover() error {
	return discover(backends())
}

func discover(bs []malgo.Backend) (err error) {
	state.mu.Lock()
	defer state.mu.Unlock()
	defer func() {
		// malgo is cgo over a large C library; a Go panic in the binding
		// must not take the app down with it.
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrNoAudioSystem, r)
		}
	}()
	if state.ctx == nil {
		ctx, err := malgo.InitContext(bs, malgo.ContextConfig{}, nil)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrNoAudioSystem, err)
		}
		state.ctx = ctx
		state.registered = map[string]*microphone{}
	}
	devices, err := state.ctx.Devices(malgo.Capture)
	if err != nil {
		return fmt.Errorf("%w: listing capture devices: %v", ErrNoAudioSystem, err)
	}
	m := driver.GetManager()
	present := map[string]bool{}
	for _, d := range devices {
		if isNullDevice(d.ID) {
			continue
		}
		id := d.ID.String()
		present[id] = true
		if _, ok := state.registered[id]; ok {
			continue
		}
		info, err := state.ctx.DeviceInfo(malgo.Capture, d.ID, malgo.Shared)
		if err != nil {
			info = d // fall back to the summary the list gave
		}
		mic := &microphone{ctx: state.ctx, id: d.ID, name: info.Name()}
		priority := driver.PriorityNormal
		if info.IsDefault > 0 {
			priority = driver.PriorityHigh
		}
		_ = m.Register(mic, driver.Info{Label: id, Name: mic.name, DeviceType: driver.Microphone, Priority: priority})
		state.registered[id] = mic
	}
	for id := range state.registered {
		if present[id] {
			continue
		}
		for _, d := range m.Query(driver.FilterAnd(driver.FilterAudioRecorder(), func(d driver.Driver) bool { return d.Info().Label == id })) {
			m.Delete(d.ID())
		}
		delete(state.registered, id)
	}
	return nil
}
