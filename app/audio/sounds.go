package audio

import (
	"context"
	"sync"
	"time"
)

// SoundPlayer plays the app's own sounds (the ring, the test chime) mixed
// into what an output plays of the call, on the same device: the echo
// canceller is told what the device plays, so it hears these sounds too,
// as one stream. (A second device would report its own buffers into the
// same reference, interleaved with the first's: neither one's sound, and
// the canceller could cancel neither.) Speaker and Virtual are
// SoundPlayers.
type SoundPlayer interface {
	// QueueSound adds as much of mono pcm as fits after the sound already
	// queued and returns how many samples it took; ErrClosed or
	// ErrSpeakerGone once the output plays no more.
	QueueSound(pcm []float32) (int, error)
	// SoundQueued is how many samples of sound wait to be played.
	SoundQueued() int
	// Hush drops the sound queued: a ring stops at once when answered.
	Hush()
}

// soundCapacity is how much sound waits at most: a sound is fed as it
// plays (feed), so that stopping it takes effect within this much.
const soundCapacity = SampleRate / 5 // 200 ms

// sounds is a SoundPlayer's queue: mono samples, added to the call's
// audio as the device plays.
type sounds struct {
	mu  sync.Mutex
	buf []float32
}

func (q *sounds) queue(pcm []float32) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(len(pcm), soundCapacity-len(q.buf))
	q.buf = append(q.buf, pcm[:n]...)
	return n
}

func (q *sounds) queued() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.buf)
}

func (q *sounds) hush() {
	q.mu.Lock()
	q.buf = q.buf[:0]
	q.mu.Unlock()
}

// mixInto adds the next queued samples to out (interleaved stereo), one
// to both sides of each frame, and drops them from the queue.
func (q *sounds) mixInto(out []float32) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(len(q.buf), len(out)/2)
	for i, v := range q.buf[:n] {
		out[2*i] += v
		out[2*i+1] += v
	}
	q.buf = append(q.buf[:0], q.buf[n:]...)
}

// PlaySound plays mono pcm on p and returns once it has been played, or
// when ctx ends (the sound then stops at once).
func PlaySound(ctx context.Context, p SoundPlayer, pcm []float32) error {
	if err := feed(ctx, p, pcm); err != nil {
		return err
	}
	tick := time.NewTicker(soundPoll)
	defer tick.Stop()
	for p.SoundQueued() > 0 {
		if err := pause(ctx, p, tick); err != nil {
			return err
		}
	}
	return nil
}

// Ring rings on p (Ringtone, again and again) until ctx ends, and then
// stops at once: once the call is answered, a tail of ring over the first
// words would be wrong.
func Ring(ctx context.Context, p SoundPlayer) error {
	ring := Ringtone()
	for {
		if err := feed(ctx, p, ring); err != nil {
			return err
		}
	}
}

// soundPoll is how often a sound being fed looks for room in the queue.
const soundPoll = 20 * time.Millisecond

// feed queues pcm on p as it makes room. It returns once all of pcm is
// queued, when ctx ends (dropping what is queued), or when p plays no
// more, which would otherwise never make room again.
func feed(ctx context.Context, p SoundPlayer, pcm []float32) error {
	tick := time.NewTicker(soundPoll)
	defer tick.Stop()
	for len(pcm) > 0 {
		if ctx.Err() == nil {
			n, err := p.QueueSound(pcm)
			if err != nil {
				return err
			}
			pcm = pcm[n:]
			if len(pcm) == 0 {
				break
			}
		}
		if err := pause(ctx, p, tick); err != nil {
			return err
		}
	}
	return nil
}

// pause waits for tick, or until ctx ends, and then drops p's sound.
func pause(ctx context.Context, p SoundPlayer, tick *time.Ticker) error {
	select {
	case <-ctx.Done():
		p.Hush()
		return ctx.Err()
	case <-tick.C:
		return nil
	}
}
