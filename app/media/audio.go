package media

import (
	"context"
	"errors"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"

	"github.com/parleyhq/parley/app/call"
	"github.com/parleyhq/parley/app/media/voice"
)

// AudioRequest is what the settings ask of a microphone.
type AudioRequest struct {
	Microphone string // a Device.Name; "" is the preferred microphone
	// Voice, if set, cleans what the microphone captures (echo, noise,
	// level) before it is encoded; its switches apply at once. A test
	// signal that asks to be left alone (Unprocessed) is not processed.
	Voice *voice.Processor
}

// Unprocessed is implemented by virtual microphones whose signal voice
// processing must not touch now: the test tone is a steady sine, which a
// noise suppressor rightly removes as noise, and exists to prove that
// sound flows.
type Unprocessed interface {
	Unprocessed() bool
}

// Level is the loudness of recent microphone input, for a level meter.
// Both are of full scale, 0 to 1.
type Level struct {
	Peak, RMS float32
}

// levelWindow is how long a measured level stays valid: a meter drawn at
// 10–30 Hz always sees the latest 20 ms chunk, and a stalled microphone
// drops to zero.
const levelWindow = 250 * time.Millisecond

// Audio is an open microphone.
type Audio struct {
	name   string
	voice  *voice.Processor // nil: sent as captured
	drv    driver.Driver
	at     *mediadevices.AudioTrack
	track  *boundTrack
	muted  atomic.Bool // sends silence; only the tests set it (export_test.go)
	level  atomic.Pointer[measured]
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	err    error
}

type measured struct {
	Level
	at time.Time
}

// OpenAudio opens a microphone at 48 kHz (mono when it can) and builds its
// track with codecs (nil means NewCodecs(CodecConfig{})). Errors are
// *DeviceError; ErrNoMicrophone when there is none.
func OpenAudio(req AudioRequest, codecs *Codecs) (*Audio, error) {
	if codecs == nil {
		codecs = NewCodecs(CodecConfig{})
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	e, err := find(Microphone, req.Microphone)
	if err != nil {
		return nil, err
	}
	if e.drv.Status() != driver.StateClosed {
		return nil, &DeviceError{Kind: Microphone, Device: e.Name, Err: ErrDeviceBusy}
	}
	props, err := properties(e.drv)
	if err != nil {
		return nil, deviceError(Microphone, e.Name, err)
	}
	p, ok := chooseAudio(props)
	if !ok {
		return nil, &DeviceError{Kind: Microphone, Device: e.Name, Err: ErrDeviceFailed, Cause: errors.New("no 48 kHz capture format")}
	}
	rec, ok := e.drv.(driver.AudioRecorder)
	if !ok {
		return nil, &DeviceError{Kind: Microphone, Device: e.Name, Err: ErrDeviceFailed, Cause: errors.New("not an audio recorder")}
	}
	if err := e.drv.Open(); err != nil {
		return nil, deviceError(Microphone, e.Name, err)
	}
	r, err := rec.AudioRecord(p)
	if err != nil {
		_ = e.drv.Close()
		return nil, deviceError(Microphone, e.Name, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := &Audio{name: e.Name, drv: e.drv, voice: req.Voice, cancel: cancel, done: make(chan struct{})}
	if u, ok := virtualAdapter(e.Name).(Unprocessed); ok && u.Unprocessed() {
		a.voice = nil
	}
	t := mediadevices.NewAudioTrack(&audioSource{a: a, r: r}, codecs.audio)
	a.at = t.(*mediadevices.AudioTrack)
	fastPollAudio(a.at)
	a.track = newBoundTrack(t)
	go a.pump(ctx)
	return a, nil
}

// chooseAudio prefers 48 kHz mono, then 48 kHz with more channels (the
// Opus encoder is built for the channel count it gets).
func chooseAudio(props []prop.Media) (prop.Media, bool) {
	best, found := prop.Media{}, false
	for _, p := range props {
		if p.SampleRate != 48000 {
			continue
		}
		if !found || (p.ChannelCount == 1 && best.ChannelCount != 1) {
			best, found = p, true
		}
	}
	if found && best.Latency == 0 {
		best.Latency = 20 * time.Millisecond
	}
	return best, found
}

// Name is the microphone's Device.Name.
func (a *Audio) Name() string { return a.name }

// Track is the track to add to a PeerConnection (webrtc.TrackLocal).
// OnEnded reports a *DeviceError when the microphone stops delivering.
func (a *Audio) Track() call.Track { return a.track }

// Level returns the loudness of the latest chunk, or zero when nothing
// was captured in the last 250 ms. The microphone is captured whenever it
// is open, so the meter works outside calls too.
func (a *Audio) Level() Level {
	m := a.level.Load()
	if m == nil || time.Since(m.at) > levelWindow {
		return Level{}
	}
	return m.Level
}

// Close stops capture, ends the track and releases the microphone.
func (a *Audio) Close() error {
	a.once.Do(func() {
		a.cancel()
		a.err = a.track.Close()
		<-a.done
	})
	return a.err
}

// pump keeps capture (and so the level) running while no sender reads the
// track; see boundTrack.
func (a *Audio) pump(ctx context.Context) {
	defer close(a.done)
	for {
		bound, changed := a.track.state()
		if bound {
			select {
			case <-ctx.Done():
				return
			case <-changed:
			}
			continue
		}
		r := a.at.NewReader(false)
		for {
			if _, _, err := r.Read(); err != nil || ctx.Err() != nil {
				return
			}
			if bound, _ := a.track.state(); bound {
				break
			}
		}
	}
}

// audioSource is the one reader of the microphone driver: it measures the
// level and applies mute.
type audioSource struct {
	a *Audio
	r audio.Reader
}

func (s *audioSource) ID() string { return s.a.drv.ID() }

func (s *audioSource) Close() error {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	return s.a.drv.Close()
}

func (s *audioSource) Read() (wave.Audio, func(), error) {
	chunk, release, err := s.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, func() {}, io.EOF
		}
		return nil, func() {}, deviceError(Microphone, s.a.name, err)
	}
	s.a.level.Store(&measured{Level: measure(chunk), at: time.Now()})
	switch {
	case s.a.muted.Load():
		chunk = silence(chunk)
		release()
		release = func() {}
	case s.a.voice != nil:
		processed, err := process(chunk, s.a.voice)
		release()
		release = func() {}
		if err != nil {
			return nil, func() {}, deviceError(Microphone, s.a.name, err)
		}
		chunk = processed
	}
	return chunk, release, nil
}

// process runs one captured chunk through p, on its channels' average,
// and returns it as a new float chunk with the result on every channel
// (the driver's buffer is its own again once released).
func process(c wave.Audio, p *voice.Processor) (wave.Audio, error) {
	info := c.ChunkInfo()
	mono := make([]float32, info.Len)
	for i := range mono {
		var sum float64
		for ch := 0; ch < info.Channels; ch++ {
			sum += fullScale(c.At(i, ch))
		}
		mono[i] = float32(sum / float64(max(info.Channels, 1)))
	}
	if err := p.Capture(mono); err != nil {
		return nil, err
	}
	out := wave.NewFloat32Interleaved(info)
	for i, v := range mono {
		for ch := 0; ch < info.Channels; ch++ {
			out.SetFloat32(i, ch, wave.Float32Sample(v))
		}
	}
	return out, nil
}

// measure returns peak and RMS of a chunk over all channels.
func measure(c wave.Audio) Level {
	info := c.ChunkInfo()
	var peak, sum float64
	n := 0
	for i := 0; i < info.Len; i++ {
		for ch := 0; ch < info.Channels; ch++ {
			v := fullScale(c.At(i, ch))
			peak = math.Max(peak, math.Abs(v))
			sum += v * v
			n++
		}
	}
	if n == 0 {
		return Level{}
	}
	return Level{Peak: float32(min(peak, 1)), RMS: float32(min(math.Sqrt(sum/float64(n)), 1))}
}

// fullScale converts a sample to [-1, 1]. mediadevices' own conversion
// is not used: its integer samples are scaled to ±2³¹ but converted back
// by 2³², so 16-bit audio would read at half its level.
func fullScale(s wave.Sample) float64 {
	if f, ok := s.(wave.Float32Sample); ok {
		return float64(f)
	}
	return float64(s.Int()) / (1 << 31)
}

// silence returns a zeroed chunk of the same shape and sample type.
func silence(c wave.Audio) wave.Audio {
	info := c.ChunkInfo()
	switch c.(type) {
	case *wave.Int16Interleaved:
		return wave.NewInt16Interleaved(info)
	case *wave.Int16NonInterleaved:
		return wave.NewInt16NonInterleaved(info)
	case *wave.Float32NonInterleaved:
		return wave.NewFloat32NonInterleaved(info)
	}
	return wave.NewFloat32Interleaved(info)
}
