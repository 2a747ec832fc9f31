package audio

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
	"unsafe"
)

func TestPlayoutWaitsForTargetThenPlays(t *testing.T) {
	p := newPlayout(4, 8)
	out := make([]float32, 4) // two stereo frames
	p.write([]float32{0.1, 0.2, 0.3}, 1)
	p.read(out)
	if !allZero(out) || p.queued() != 3 {
		t.Fatalf("played %v before the target was reached (queued %d)", out, p.queued())
	}
	p.write([]float32{0.4}, 1)
	p.read(out)
	want := []float32{0.1, 0.1, 0.2, 0.2}
	if !equal(out, want) {
		t.Fatalf("got %v, want mono upmixed %v", out, want)
	}
	p.read(out)
	if !equal(out, []float32{0.3, 0.3, 0.4, 0.4}) {
		t.Fatalf("got %v", out)
	}
	// Dry: silence, then the target must be reached again.
	p.read(out)
	if !allZero(out) || p.underrun != 1 {
		t.Fatalf("after running dry got %v, underruns %d", out, p.underrun)
	}
	p.write([]float32{1, -1}, 2)
	p.read(out)
	if !allZero(out) {
		t.Fatalf("restarted before the target: %v", out)
	}
}

func TestPlayoutDropsOldestWhenFull(t *testing.T) {
	p := newPlayout(1, 4)
	p.write([]float32{1, 1, 2, 2, 3, 3}, 2)
	p.write([]float32{4, 4, 5, 5, 6, 6}, 2)
	if p.queued() != 4 || p.dropped != 2 {
		t.Fatalf("queued %d dropped %d, want 4 and 2", p.queued(), p.dropped)
	}
	out := make([]float32, 8)
	p.read(out)
	if !equal(out, []float32{3, 3, 4, 4, 5, 5, 6, 6}) {
		t.Fatalf("got %v, want the newest four frames", out)
	}
	p.write([]float32{1, 2, 3, 4, 5, 6}, 1) // larger than the whole buffer
	p.read(out)
	if !equal(out, []float32{3, 3, 4, 4, 5, 5, 6, 6}) {
		t.Fatalf("got %v, want the last four samples", out)
	}
}

func TestCaptureMixesAndKeepsNewest(t *testing.T) {
	c := NewCapture(4.0 / SampleRate) // four samples
	if err := c.Write([]float32{1, 0, 0.5, 0.5}, 2); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if err := c.Write([]float32{float32(i)}, 1); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Samples(); !equal(got, []float32{1, 2, 3, 4}) {
		t.Fatalf("got %v", got)
	}
	c.Close()
	if err := c.Write([]float32{1}, 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
}

func TestOutputsRejectBadChannelCount(t *testing.T) {
	for _, o := range []Output{&Discard{}, NewCapture(1)} {
		var ce *ChannelsError
		if err := o.Write(make([]float32, 6), 3); !errors.As(err, &ce) || ce.Channels != 3 {
			t.Errorf("%T: err %v, want *ChannelsError", o, err)
		}
	}
}

func TestDiscardCounts(t *testing.T) {
	var d Discard
	d.Write(make([]float32, 960), 1)
	d.Write(make([]float32, 960), 2)
	if d.Frames() != 1440 {
		t.Fatalf("frames %d, want 1440", d.Frames())
	}
	d.Close()
	if err := d.Write([]float32{0}, 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
}

func TestChimeIsAudibleAndUnclipped(t *testing.T) {
	c := Chime()
	if d := time.Duration(len(c)) * time.Second / SampleRate; d < 500*time.Millisecond || d > time.Second {
		t.Fatalf("chime lasts %v", d)
	}
	var peak float64
	for _, v := range c {
		peak = math.Max(peak, math.Abs(float64(v)))
	}
	if peak >= 1 || peak < 0.1 {
		t.Fatalf("peak %.3f, want audible and below clipping", peak)
	}
	if math.Abs(float64(c[0])) > 0.01 || math.Abs(float64(c[len(c)-1])) > 0.05 {
		t.Fatalf("chime starts at %.3f and ends at %.3f: it would click", c[0], c[len(c)-1])
	}
}

// The ring keeps the sound the page used to make: both tones, a burst and
// then silence, audible but unclipped, and faded so that it never clicks,
// neither at a burst's ends nor where one cycle follows the next.
func TestRingtoneCadenceLevelAndTones(t *testing.T) {
	r := Ringtone()
	if d := time.Duration(len(r)) * time.Second / SampleRate; d != 6*time.Second {
		t.Fatalf("a cycle lasts %v, want 6s", d)
	}
	on := 2 * SampleRate
	burst := r[:on]
	if !allZero(r[on:]) {
		t.Fatal("the pause after the burst is not silent")
	}
	// The tones beat 40 times a second: over 25 ms the burst's level is
	// steady, and no stretch of it is silent.
	const beat = SampleRate / 40
	ramp := SampleRate / 20
	for i := ramp; i+beat <= on-ramp; i += beat {
		if rms := math.Sqrt(energy(burst[i:i+beat]) / beat); rms < 0.1 {
			t.Fatalf("the burst drops to %.3f RMS at %v", rms, time.Duration(i)*time.Second/SampleRate)
		}
	}
	var peak, step float64
	for i, v := range r {
		peak = math.Max(peak, math.Abs(float64(v)))
		prev := r[(i+len(r)-1)%len(r)] // the first sample follows the last
		step = math.Max(step, math.Abs(float64(v-prev)))
	}
	if peak < 0.25 || peak > 0.31 {
		t.Fatalf("peak %.3f, want the page's level (0.3): audible, far below clipping", peak)
	}
	if r[0] != 0 || math.Abs(float64(burst[on-1])) > 0.001 {
		t.Fatalf("the burst starts at %.4f and ends at %.4f: it would click", r[0], burst[on-1])
	}
	// A cut shows as a jump larger than the tones ever make by themselves.
	if most := 0.3 * 2 * math.Pi * 480 / SampleRate; step > most {
		t.Fatalf("a step of %.4f between samples, more than the tones' %.4f: a click", step, most)
	}
	fade := SampleRate / 200 // the first and last 5 ms
	for _, edge := range [][]float32{burst[:fade], burst[on-fade:]} {
		for _, v := range edge {
			if math.Abs(float64(v)) > peak/3 {
				t.Fatalf("a burst's edge reaches %.3f of a peak of %.3f: not faded", v, peak)
			}
		}
	}
	for _, hz := range []float64{440, 480} {
		if a := toneAmplitude(burst, hz); a < 0.12 || a > 0.16 {
			t.Errorf("%v Hz at amplitude %.3f, want about 0.15", hz, a)
		}
	}
	for _, hz := range []float64{400, 460, 520, 880, 1000} {
		if a := toneAmplitude(burst, hz); a > 0.01 {
			t.Errorf("%v Hz at amplitude %.3f: the ring is not just its two tones", hz, a)
		}
	}
}

// toneAmplitude is the amplitude of the sine at hz in x (one DFT bin).
func toneAmplitude(x []float32, hz float64) float64 {
	var re, im float64
	for i, v := range x {
		ph := 2 * math.Pi * hz * float64(i) / SampleRate
		re += float64(v) * math.Cos(ph)
		im -= float64(v) * math.Sin(ph)
	}
	return 2 * math.Hypot(re, im) / float64(len(x))
}

func energy(x []float32) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return e
}

// stuckSounds is a SoundPlayer whose queue never drains, as a device that
// stopped reading: it takes what fits, then nothing.
type stuckSounds struct {
	queued int
	hushed bool
	err    error
}

func (p *stuckSounds) QueueSound(pcm []float32) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n := min(len(pcm), soundCapacity-p.queued)
	p.queued += n
	return n, nil
}
func (p *stuckSounds) SoundQueued() int { return p.queued }
func (p *stuckSounds) Hush()            { p.queued, p.hushed = 0, true }

// Feeding a sound stops promptly when its context ends (the call was
// answered), dropping what is queued, and at once when the output plays
// no more: a ring must not wait on it forever.
func TestFeedStopsWhenAnsweredOrSpeakerGone(t *testing.T) {
	p := &stuckSounds{}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := Ring(ctx, p); !errors.Is(err, context.DeadlineExceeded) || !p.hushed || time.Since(start) > time.Second {
		t.Fatalf("Ring after its context ended: %v after %v, hushed %v; want it stopped, its sound dropped", err, time.Since(start), p.hushed)
	}
	p = &stuckSounds{err: ErrSpeakerGone}
	if err := PlaySound(context.Background(), p, Chime()); !errors.Is(err, ErrSpeakerGone) {
		t.Fatalf("PlaySound on a stopped speaker: %v, want ErrSpeakerGone", err)
	}
}

// farRecorder is a Far that keeps what it was told was played, as mono.
type farRecorder struct{ mono []float32 }

func (f *farRecorder) Render(pcm []float32, channels int) {
	for i := 0; i+channels <= len(pcm); i += channels {
		f.mono = append(f.mono, (pcm[i]+pcm[i+channels-1])/2)
	}
}

// The app's sounds play mixed into the call's audio on the same speaker,
// and the echo canceller's reference (Far) is told exactly that sum.
func TestSoundsMixIntoTheCallAndItsReference(t *testing.T) {
	far := &farRecorder{}
	v := NewClockedVirtual(far)
	defer v.Close()
	v.Record()
	call := make([]float32, SampleRate/5) // 200 ms of the call: a steady 0.1
	for i := range call {
		call[i] = 0.1
	}
	if err := v.Write(call, 1); err != nil {
		t.Fatal(err)
	}
	chime := Chime()[:SampleRate/10]
	if n, err := v.QueueSound(chime); n != len(chime) || err != nil {
		t.Fatalf("QueueSound: %d, %v", n, err)
	}
	for range 10 {
		v.Play(framesOf(virtualPeriod))
	}
	played := v.Recording()
	if len(played) != len(far.mono) {
		t.Fatalf("played %d samples, the reference heard %d", len(played), len(far.mono))
	}
	callHeard := 0
	for i, got := range played {
		if got != far.mono[i] {
			t.Fatalf("sample %d: played %v, the reference heard %v", i, got, far.mono[i])
		}
		var s float32
		if i < len(chime) {
			s = chime[i]
		}
		switch rest := got - s; {
		case math.Abs(float64(rest-0.1)) < 1e-6:
			callHeard++
		case math.Abs(float64(rest)) > 1e-6:
			t.Fatalf("sample %d is %v: neither the chime (%v) nor the chime plus the call", i, got, s)
		}
	}
	if callHeard == 0 || v.SoundQueued() != 0 {
		t.Fatalf("the call was heard in %d samples, %d of sound left; want both played", callHeard, v.SoundQueued())
	}
}

// The device functions must answer with typed errors, never crash, whether
// or not this machine has sound hardware (CI machines usually have none).
func TestDevicesFailTyped(t *testing.T) {
	devs, err := Speakers()
	if err != nil {
		if !errors.Is(err, ErrNoSpeaker) {
			t.Fatalf("Speakers: %v, want ErrNoSpeaker", err)
		}
		t.Logf("no speakers: %v", err)
	}
	t.Logf("speakers: %+v", devs)
	for _, d := range devs {
		if d.Name == "" {
			t.Errorf("speaker without a name: %+v", d)
		}
	}
	_, err = Open("no such speaker \x00 here")
	if !errors.Is(err, ErrSpeakerNotFound) && !errors.Is(err, ErrNoSpeaker) {
		t.Fatalf("Open(bogus): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = PlayTestSound(ctx, "")
	t.Logf("PlayTestSound: %v", err)
	if len(devs) == 0 && !errors.Is(err, ErrNoSpeaker) {
		t.Fatalf("PlayTestSound without speakers: %v", err)
	}
	if len(devs) > 0 && err != nil && !errors.Is(err, ErrNoSpeaker) {
		t.Fatalf("PlayTestSound: %v", err)
	}
}

// Every output satisfies Output.
var _ = []Output{&Discard{}, &Capture{}, &Speaker{}}

// The device callback must hand the playout's samples to miniaudio as
// native float32 bytes.
func TestSpeakerFillWritesFloat32(t *testing.T) {
	s := &Speaker{play: newPlayout(1, 100)}
	if err := s.Write([]float32{0.5, -0.25}, 2); err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 16) // two stereo frames
	s.fill(out, nil, 2)
	got := unsafe.Slice((*float32)(unsafe.Pointer(&out[0])), 4)
	if !equal(got, []float32{0.5, -0.25, 0, 0}) {
		t.Fatalf("device got %v", got)
	}
	st := s.Stats()
	if st.Underruns != 1 || st.Queued != 0 {
		t.Fatalf("stats %+v", st)
	}
	s.closing.Store(true)
	if err := s.Write([]float32{0}, 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
	s.closing.Store(false)
	s.gone.Store(true)
	if err := s.Write([]float32{0}, 1); !errors.Is(err, ErrSpeakerGone) {
		t.Fatalf("write to a vanished device: %v", err)
	}
}

func allZero(s []float32) bool {
	for _, v := range s {
		if v != 0 {
			return false
		}
	}
	return true
}

func equal(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-6 {
			return false
		}
	}
	return true
}

// A virtual speaker whose goroutine is held up plays the periods it
// missed once it runs again, so that its recording keeps real time, as a
// sound card's clock does while the process is descheduled.
func TestVirtualKeepsRealTimeWhenLate(t *testing.T) {
	v := NewVirtual()
	defer v.Close()
	v.Record()
	from := time.Now()
	time.Sleep(50 * time.Millisecond)
	v.mu.Lock() // Play waits here: the ticks meanwhile are dropped
	time.Sleep(300 * time.Millisecond)
	v.mu.Unlock()
	time.Sleep(100 * time.Millisecond)
	got := framesDuration(uint64(len(v.Recording())))
	want := time.Since(from)
	if d := want - got; d < -2*virtualPeriod || d > 3*virtualPeriod {
		t.Fatalf("recorded %v in %v of real time", got, want)
	}
}
