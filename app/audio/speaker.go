package audio

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/gen2brain/malgo"
)

// playoutCapacity bounds the speaker's queue: beyond 250 ms the oldest
// audio is dropped, because a late word is worse than a lost one in a
// conversation. How much is queued before playing follows the arrival
// jitter (newAdaptivePlayout).
const playoutCapacity = SampleRate * 250 / 1000

// ErrSpeakerGone: the device stopped by itself (unplugged, audio server
// restarted). The caller may open another speaker.
var ErrSpeakerGone = errors.New("audio: speaker stopped")

// Speaker plays audio on one playback device through miniaudio.
type Speaker struct {
	name string
	ctx  *malgo.AllocatedContext
	dev  *malgo.Device
	play *playout
	// sounds are the app's own (SoundPlayer), added to the call's.
	sounds sounds

	gone      atomic.Bool
	closeOnce sync.Once
	closing   atomic.Bool
	far       atomic.Pointer[farBox]
}

// Far is told exactly what a speaker plays, as the device takes it: the
// echo canceller's reference (voice.Processor has this method).
type Far interface {
	Render(pcm []float32, channels int)
}

type farBox struct{ Far }

// SetFar reports what the speaker plays to f from now on (nil: to nobody).
func (s *Speaker) SetFar(f Far) {
	if f == nil {
		s.far.Store(nil)
		return
	}
	s.far.Store(&farBox{f})
}

// Open starts playback on the speaker called name ("" for the system
// default). Without sound hardware it returns ErrNoSpeaker, and for a name
// that is not (or no longer) present ErrSpeakerNotFound.
func Open(name string) (*Speaker, error) {
	ctx, err := newContext()
	if err != nil {
		return nil, err
	}
	s := &Speaker{name: name, ctx: ctx, play: newAdaptivePlayout(playoutCapacity)}
	cfg := malgo.DefaultDeviceConfig(malgo.Playback)
	cfg.Playback.Format = malgo.FormatF32
	cfg.Playback.Channels = 2
	cfg.SampleRate = SampleRate
	cfg.PerformanceProfile = malgo.LowLatency

	// miniaudio reads the device ID during InitDevice only; pinning lets C
	// hold the Go pointer for that call.
	var pin runtime.Pinner
	defer pin.Unpin()
	if name != "" {
		id, err := findDevice(ctx, name)
		if err != nil {
			freeContext(ctx)
			return nil, err
		}
		idp := &id
		pin.Pin(idp)
		cfg.Playback.DeviceID = idp.Pointer()
	} else if _, err := findDevice(ctx, ""); errors.Is(err, ErrNoSpeaker) {
		freeContext(ctx)
		return nil, err
	}

	dev, err := malgo.InitDevice(ctx.Context, cfg, malgo.DeviceCallbacks{
		Data: s.fill,
		Stop: func() {
			if !s.closing.Load() {
				s.gone.Store(true)
			}
		},
	})
	if err != nil {
		freeContext(ctx)
		return nil, fmt.Errorf("%w: %v", ErrNoSpeaker, err)
	}
	s.dev = dev
	if err := dev.Start(); err != nil {
		dev.Uninit()
		freeContext(ctx)
		return nil, fmt.Errorf("%w: start: %v", ErrNoSpeaker, err)
	}
	return s, nil
}

// fill is miniaudio's data callback: out is interleaved stereo float32.
func (s *Speaker) fill(out, _ []byte, _ uint32) {
	if len(out) < 4 {
		return
	}
	pcm := unsafe.Slice((*float32)(unsafe.Pointer(&out[0])), len(out)/4)
	s.play.read(pcm)
	s.sounds.mixInto(pcm)
	if f := s.far.Load(); f != nil {
		f.Render(pcm, 2)
	}
}

// PlayoutStats describes how well the speaker keeps up.
type PlayoutStats struct {
	Queued    time.Duration // audio waiting to be played
	Target    time.Duration // the delay the arrival jitter calls for now
	Underruns uint64        // times the device found nothing to play mid-stream
	Dropped   time.Duration // audio thrown away because too much was queued
	// Accelerated and Expanded count 10 ms steps by which pauses in
	// speech were shortened or lengthened to follow Target.
	Accelerated, Expanded uint64
}

// Stats returns the speaker's playout counters.
func (s *Speaker) Stats() PlayoutStats { return s.play.stats() }

// Name returns the name the speaker was opened with.
func (s *Speaker) Name() string { return s.name }

// Arrived implements Arrivals.
func (s *Speaker) Arrived(media time.Duration) { s.play.arrived(media) }

// Write queues pcm for playback.
func (s *Speaker) Write(pcm []float32, channels int) error {
	if err := checkChannels(channels); err != nil {
		return err
	}
	if s.closing.Load() {
		return ErrClosed
	}
	if s.gone.Load() {
		return ErrSpeakerGone
	}
	s.play.write(pcm, channels)
	return nil
}

// QueueSound implements SoundPlayer.
func (s *Speaker) QueueSound(pcm []float32) (int, error) {
	switch {
	case s.closing.Load():
		return 0, ErrClosed
	case s.gone.Load():
		return 0, ErrSpeakerGone
	}
	return s.sounds.queue(pcm), nil
}

// SoundQueued implements SoundPlayer.
func (s *Speaker) SoundQueued() int { return s.sounds.queued() }

// Hush implements SoundPlayer.
func (s *Speaker) Hush() { s.sounds.hush() }

// Close stops the device and releases the audio system.
func (s *Speaker) Close() error {
	s.closeOnce.Do(func() {
		s.closing.Store(true)
		s.dev.Uninit()
		freeContext(s.ctx)
	})
	return nil
}
