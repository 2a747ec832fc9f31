// Package voice cleans the microphone's sound before it is sent: echo
// cancellation against what the speaker plays, noise suppression and
// automatic gain control, in 10 ms frames at 48 kHz.
//
// The engine is speexdsp (Debian's and Ubuntu's libspeexdsp-dev): its
// echo canceller (MDF) with its preprocessor, which also suppresses the
// residual echo. WebRTC's AudioProcessing (AEC3) is the better canceller,
// but the one packaging of it the module proxy serves does not build
// here; docs/architecture.md ("Sound") says why and what replacing the
// engine behind this package takes.
package voice

// #cgo pkg-config: speexdsp
// #include <speex/speex_echo.h>
// #include <speex/speex_preprocess.h>
//
// static int pp_set_int(SpeexPreprocessState *st, int request, int v) { return speex_preprocess_ctl(st, request, &v); }
// static int pp_set_float(SpeexPreprocessState *st, int request, float v) { return speex_preprocess_ctl(st, request, &v); }
// static int pp_set_echo(SpeexPreprocessState *st, SpeexEchoState *echo) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_ECHO_STATE, echo); }
// static int echo_set_rate(SpeexEchoState *st, int rate) { return speex_echo_ctl(st, SPEEX_ECHO_SET_SAMPLING_RATE, &rate); }
import "C"

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// SampleRate and Frame are what the processor works in: 10 ms at 48 kHz.
const (
	SampleRate = 48000
	Frame      = SampleRate / 100
)

// tail is the longest echo path the canceller models: the speaker's and
// microphone's buffers plus a room's reverberation.
const tail = 250 * time.Millisecond

// maxQueued bounds the played frames waiting for their echo: 500 ms.
const maxQueued = 50

// maxLead is how far the reference may run ahead of the microphone when
// a frame is captured. The speaker starts before the microphone, and its
// clock may run faster: frames older than this are dropped, because the
// canceller's filter only reaches back (an echo comes after its sound),
// and a reference older than the echo it should explain explains nothing.
const maxLead = 4

// Config switches the three kinds of processing. The zero value turns
// everything off; Defaults turns everything on, as the settings do.
type Config struct {
	EchoCancellation bool
	NoiseSuppression bool
	AutoGain         bool
}

// Defaults is all on: what a user of laptop speakers and microphone needs.
func Defaults() Config { return Config{EchoCancellation: true, NoiseSuppression: true, AutoGain: true} }

// ErrClosed is returned after Close.
var ErrClosed = errors.New("voice: closed")

// Processor is one microphone's processing, with the far end fed by
// Render. Capture and Render may run on different goroutines (the capture
// and playback threads): played frames wait in a queue until captured
// frames come, one for one, and the canceller's filter, 250 ms long,
// models whatever delay separates a played frame from its echo.
// speexdsp's own threaded queue is not used: it writes a warning to
// stderr on every xrun, which a desktop with two device clocks has.
type Processor struct {
	mu   sync.Mutex
	cfg  Config
	echo *C.SpeexEchoState
	pre  *C.SpeexPreprocessState
	// farMu guards far alone, so that Render, on the playback device's
	// thread, never waits while a captured frame is processed under mu:
	// a playback callback held up past its buffer is an underrun, a gap
	// in the sound, and moves the echo path the canceller must find again.
	farMu     sync.Mutex
	far       *driftResampler // played samples whose echo has not been captured yet
	rendering atomic.Bool     // cancelling echo, and not closed: Render keeps what is played
	path      *echoPath       // the canceller's echo path, watched for drift
	align     *realigner      // the echo's lag, found again when it jumps
	hp        *highPass       // the captured samples' high-pass filter
	in        []int16         // captured samples not yet a whole frame
	out       []int16         // processed samples not yet returned
	ref       [Frame]float32  // the far end for the frame being processed
	rec       [Frame]C.spx_int16_t
	cleaned   [Frame]C.spx_int16_t
	play      [Frame]C.spx_int16_t
}

// New returns a processor with cfg; Close frees it.
func New(cfg Config) (*Processor, error) {
	filter := C.int(int(tail.Seconds() * SampleRate))
	echo := C.speex_echo_state_init(C.int(Frame), filter)
	if echo == nil {
		return nil, errors.New("voice: echo canceller failed to start")
	}
	C.echo_set_rate(echo, SampleRate)
	pre := C.speex_preprocess_state_init(C.int(Frame), SampleRate)
	if pre == nil {
		C.speex_echo_state_destroy(echo)
		return nil, errors.New("voice: preprocessor failed to start")
	}
	p := &Processor{echo: echo, pre: pre, far: newDriftResampler(), path: new(echoPath), align: newRealigner(), hp: newHighPass(highPassHz, SampleRate)}
	p.apply(cfg)
	return p, nil
}

// SetConfig switches processing on or off at once (mid-call too).
func (p *Processor) SetConfig(cfg Config) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.echo == nil {
		return
	}
	if cfg.EchoCancellation && !p.cfg.EchoCancellation {
		// What was played while it was off is not in step with the
		// microphone any more: start from scratch.
		C.speex_echo_state_reset(p.echo)
		p.farMu.Lock()
		p.far.restart()
		p.farMu.Unlock()
		p.path.forget()
		p.align = newRealigner()
	}
	if p.cfg == (Config{}) {
		p.hp.reset() // it saw none of what came while all was off
	}
	p.apply(cfg)
}

// apply sets the preprocessor for cfg; p.mu is held or p is new.
func (p *Processor) apply(cfg Config) {
	p.cfg = cfg
	p.rendering.Store(cfg.EchoCancellation)
	C.pp_set_int(p.pre, C.SPEEX_PREPROCESS_SET_DENOISE, boolInt(cfg.NoiseSuppression))
	C.pp_set_int(p.pre, C.SPEEX_PREPROCESS_SET_AGC, boolInt(cfg.AutoGain))
	if cfg.AutoGain {
		// Speech around -18 dBFS, as WebRTC's gain controller aims for.
		C.pp_set_float(p.pre, C.SPEEX_PREPROCESS_SET_AGC_LEVEL, 0.125*32768)
	}
	if cfg.EchoCancellation {
		C.pp_set_echo(p.pre, p.echo) // the preprocessor suppresses the residual echo
	} else {
		C.pp_set_echo(p.pre, nil)
	}
}

// Config returns the switches in force.
func (p *Processor) Config() Config {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cfg
}

// Render feeds the far end: exactly what the speaker plays, as it plays
// it, interleaved with channels (1 or 2; stereo is averaged).
func (p *Processor) Render(pcm []float32, channels int) {
	if !p.rendering.Load() {
		return
	}
	p.farMu.Lock()
	defer p.farMu.Unlock()
	for i := 0; i+channels <= len(pcm); i += channels {
		var v float32
		for c := range channels {
			v += pcm[i+c]
		}
		p.far.write(v / float32(channels))
	}
}

// Capture processes microphone samples (mono) in place. It works in whole
// 10 ms frames, so the output lags the input by less than one frame: the
// first call returns silence for the part not yet processed.
func (p *Processor) Capture(pcm []float32) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.echo == nil {
		return ErrClosed
	}
	for _, v := range pcm {
		p.in = append(p.in, toInt16(v))
	}
	for len(p.in) >= Frame {
		if p.cfg != (Config{}) {
			p.hp.run(p.in[:Frame])
		}
		for j := range Frame {
			p.rec[j] = C.spx_int16_t(p.in[j])
		}
		p.in = append(p.in[:0], p.in[Frame:]...)
		frame := &p.rec[0]
		if p.cfg.EchoCancellation {
			p.farMu.Lock()
			p.far.read(p.ref[:])
			full := p.far.full()
			p.farMu.Unlock()
			for j, v := range p.ref {
				p.play[j] = C.spx_int16_t(toInt16(v))
			}
			C.speex_echo_cancellation(p.echo, &p.rec[0], &p.play[0], &p.cleaned[0])
			p.path.frame(&p.play, &p.rec, &p.cleaned)
			if step := p.align.frame(int16s(&p.play), int16s(&p.rec), int16s(&p.cleaned)); step != 0 {
				p.farMu.Lock()
				p.far.step(step)
				p.farMu.Unlock()
				p.path.forget()
			}
			if full {
				shift, ok := p.path.shift(p.echo)
				p.farMu.Lock()
				moved := p.far.endBlock(shift, ok, p.align.timing())
				p.farMu.Unlock()
				if moved {
					p.path.forget()
					p.align.jumped()
				}
			}
			frame = &p.cleaned[0]
		}
		if p.cfg.NoiseSuppression || p.cfg.AutoGain || p.cfg.EchoCancellation {
			C.speex_preprocess_run(p.pre, frame)
		}
		for _, s := range unsafe.Slice(frame, Frame) {
			p.out = append(p.out, int16(s))
		}
	}
	// Hand back as many processed samples as came in, oldest first.
	n := min(len(p.out), len(pcm))
	lead := len(pcm) - n
	clear(pcm[:lead])
	for i, s := range p.out[:n] {
		pcm[lead+i] = float32(s) / 32768
	}
	p.out = append(p.out[:0], p.out[n:]...)
	return nil
}

// Close frees the processor; it is safe to call twice.
func (p *Processor) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rendering.Store(false)
	if p.echo != nil {
		C.speex_preprocess_state_destroy(p.pre)
		C.speex_echo_state_destroy(p.echo)
		p.echo, p.pre = nil, nil
	}
}

// int16s views a frame of speexdsp's samples as Go's.
func int16s(f *[Frame]C.spx_int16_t) []int16 {
	return unsafe.Slice((*int16)(unsafe.Pointer(&f[0])), Frame)
}

func toInt16(v float32) int16 {
	x := v * 32768
	switch {
	case x > 32767:
		return 32767
	case x < -32768:
		return -32768
	}
	return int16(x)
}

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
