package audio

import (
	"sync"
	"time"
)

// virtualPeriod is how much a Virtual speaker plays per tick, like a
// device's period.
const virtualPeriod = 10 * time.Millisecond

// Virtual is a speaker without hardware, for tests and headless peers
// that must hear what they play (--speaker-file, --room-echo): it plays
// its playout buffer in real time, one period per tick, tells every Far
// what it played, exactly as a device's callback does, and records it
// once Record is called.
type Virtual struct {
	play   *playout
	sounds sounds // the app's own (SoundPlayer), added to the call's
	fars   []Far

	mu        sync.Mutex
	recording bool
	rec       []float32 // mono, from Record on
	closed    bool

	stop chan struct{}
	done chan struct{}
}

// NewVirtual starts a virtual speaker that plays on its own clock, a
// period every 10 ms, reporting to fars; Close stops it.
func NewVirtual(fars ...Far) *Virtual {
	v := newVirtual(fars)
	go v.run()
	return v
}

// NewClockedVirtual returns a virtual speaker that plays only when Play is
// called: one clock for speaker and microphone, as a duplex sound card
// has, so that a simulated room's echo comes exactly its delay after the
// sound, however late the scheduler runs either of them.
func NewClockedVirtual(fars ...Far) *Virtual {
	v := newVirtual(fars)
	close(v.done) // no goroutine of its own
	return v
}

func newVirtual(fars []Far) *Virtual {
	return &Virtual{play: newAdaptivePlayout(playoutCapacity), fars: fars, stop: make(chan struct{}), done: make(chan struct{})}
}

func (v *Virtual) run() {
	defer close(v.done)
	t := time.NewTicker(virtualPeriod)
	defer t.Stop()
	start := time.Now()
	var played time.Duration
	for {
		select {
		case <-v.stop:
			return
		case <-t.C:
		}
		// Every period due by now is played, not one per tick: a Ticker
		// drops the ticks its reader is too late for, and on a loaded
		// machine that lost seconds of a call, so the speaker fell behind
		// real time, its queue overflowed and the recording came out short
		// (the sound bench's case (c), docs/benchmarks.md). A device's clock
		// runs on while its callback waits; so does this one.
		for due := time.Since(start); played+virtualPeriod <= due; played += virtualPeriod {
			v.Play(framesOf(virtualPeriod))
		}
	}
}

// Play plays the next frames from the playout buffer (silence when it has
// none), tells every Far, and records them.
func (v *Virtual) Play(frames int) {
	buf := make([]float32, 2*frames)
	v.play.read(buf)
	v.sounds.mixInto(buf)
	for _, f := range v.fars {
		f.Render(buf, 2)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.recording {
		for i := range frames {
			v.rec = append(v.rec, (buf[2*i]+buf[2*i+1])/2)
		}
	}
}

// Write implements Output.
func (v *Virtual) Write(pcm []float32, channels int) error {
	if err := checkChannels(channels); err != nil {
		return err
	}
	v.mu.Lock()
	closed := v.closed
	v.mu.Unlock()
	if closed {
		return ErrClosed
	}
	v.play.write(pcm, channels)
	return nil
}

// QueueSound implements SoundPlayer.
func (v *Virtual) QueueSound(pcm []float32) (int, error) {
	v.mu.Lock()
	closed := v.closed
	v.mu.Unlock()
	if closed {
		return 0, ErrClosed
	}
	return v.sounds.queue(pcm), nil
}

// SoundQueued implements SoundPlayer.
func (v *Virtual) SoundQueued() int { return v.sounds.queued() }

// Hush implements SoundPlayer.
func (v *Virtual) Hush() { v.sounds.hush() }

// Arrived implements Arrivals.
func (v *Virtual) Arrived(media time.Duration) { v.play.arrived(media) }

// Record starts (or restarts) recording what is played, one sample per
// sample period, silence included, so that its timeline is real time.
func (v *Virtual) Record() {
	v.mu.Lock()
	v.recording, v.rec = true, v.rec[:0]
	v.mu.Unlock()
}

// Recording returns what was played since Record, mono.
func (v *Virtual) Recording() []float32 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]float32(nil), v.rec...)
}

// Stats returns the playout counters.
func (v *Virtual) Stats() PlayoutStats { return v.play.stats() }

// Close stops playing; further Writes fail.
func (v *Virtual) Close() error {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return nil
	}
	v.closed = true
	v.mu.Unlock()
	close(v.stop)
	<-v.done
	return nil
}
