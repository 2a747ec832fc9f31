package backend

import (
	"context"
	"log/slog"
	"sync"

	"github.com/parleyhq/parley/app/audio"
)

// ringer rings while the engine's state is Ringing. The sound itself is
// play's business (App.playRing; tests put a recorder there), so that
// what is tested here is when the ring starts and stops.
type ringer struct {
	// play rings until ctx ends. An error it returns before then is why
	// it could not ring.
	play func(ctx context.Context) error
	log  *slog.Logger

	mu   sync.Mutex
	stop context.CancelFunc // ends the ring; nil when none is wanted
	done chan struct{}      // closed once the latest ring has stopped
}

// start rings until silence is called or ctx ends; while it rings, it
// does nothing. It never waits, as the engine's loop calls it: a stopped ring
// closes its speaker on its own goroutine, and the next one waits for
// that, so that one speaker rings at a time.
func (r *ringer) start(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stop != nil {
		return
	}
	ctx, r.stop = context.WithCancel(ctx)
	prev, done := r.done, make(chan struct{})
	r.done = done
	go func() {
		defer close(done)
		if prev != nil {
			<-prev
		}
		// A ring that fails is only a quiet ring: the dialog still asks,
		// and the call must not suffer for it.
		if err := r.play(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("the ring could not be played", "err", err)
		}
	}()
}

// silence stops the ring, if it rings, without waiting for it.
func (r *ringer) silence() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stop != nil {
		r.stop()
		r.stop = nil
	}
}

// wait returns once the ring has stopped: after silence, or once the
// context it was started with ended.
func (r *ringer) wait() {
	r.mu.Lock()
	done := r.done
	r.mu.Unlock()
	if done != nil {
		<-done
	}
}

// playRing rings until ctx ends, mixed into what the call's speaker
// plays: the echo canceller, told what that speaker plays, hears the ring
// too. With fake media it stays silent, as the call's speaker does.
func (a *App) playRing(ctx context.Context) error {
	if a.opts.FakeMedia {
		return nil
	}
	a.mu.Lock()
	sw := a.speaker
	a.mu.Unlock()
	if sw == nil {
		return audio.ErrNoSpeaker
	}
	return audio.Ring(ctx, sw)
}
