package backend

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/protocol"
)

// fakeRing stands in for the speaker: it counts the rings started and
// those still playing.
type fakeRing struct {
	started, playing atomic.Int32
	// closing is how long a ring takes to close its speaker once stopped.
	closing time.Duration
	err     error // returned at once instead of ringing
}

func (f *fakeRing) play(ctx context.Context) error {
	f.started.Add(1)
	if f.err != nil {
		return f.err
	}
	f.playing.Add(1)
	defer f.playing.Add(-1)
	<-ctx.Done()
	time.Sleep(f.closing)
	return ctx.Err()
}

// ringing waits until n rings have started and want are playing.
func (f *fakeRing) wait(t *testing.T, what string, n, want int32) {
	t.Helper()
	testwait.Until(t, what, 15*time.Second, func() bool {
		return f.started.Load() == n && f.playing.Load() == want
	})
}

// One ring at a time: starting again while ringing changes nothing, a
// stopped ring is closed before the next one plays, a failing one is
// only logged, and none outlives its context.
func TestRingerOneAtATime(t *testing.T) {
	base := runtime.NumGoroutine()
	f := &fakeRing{closing: 50 * time.Millisecond}
	var logged strings.Builder // the handler writes under its own lock
	r := &ringer{play: f.play, log: slog.New(slog.NewTextHandler(&logged, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	r.start(ctx)
	r.start(ctx)
	f.wait(t, "one ring", 1, 1)
	r.silence()
	r.start(ctx)
	if f.started.Load() != 1 {
		t.Fatal("the next ring began before the stopped one had closed its speaker")
	}
	f.wait(t, "the second ring", 2, 1)

	cancel() // the App stops
	r.wait()
	if n := f.playing.Load(); n != 0 {
		t.Fatalf("%d rings play after their context ended", n)
	}
	if logged.Len() != 0 {
		t.Fatalf("a ring that was stopped logged: %s", logged.String())
	}

	f.err = errors.New("no speaker")
	r.silence()
	r.start(context.Background())
	r.wait()
	r.silence()
	if !strings.Contains(logged.String(), "no speaker") {
		t.Fatalf("a ring that failed was not logged: %q", logged.String())
	}
	testwait.Goroutines(t, base, 5*time.Second)
}

// The ring plays exactly while the engine's state is Ringing: it starts
// when a call comes in and stops when it is accepted, declined, given up
// by the caller, cut by a lost server connection, or when the app quits,
// leaving nothing behind.
func TestRingFollowsRingingState(t *testing.T) {
	base := runtime.NumGoroutine()
	f := &fakeRing{}
	a, rec := newApp(t, t.TempDir(), Options{}, func(a *App) { a.ring.play = f.play })
	if _, err := a.Login("alice"); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "alice's engine running", 10*time.Second, func() bool {
		_, ok := rec.find("name", nil)
		return ok
	})
	bob := dialEmbedded(t, a, "bob")
	var bobState atomic.Value
	bobState.Store(engine.Idle)
	bob.Subscribe(func(ev engine.Event) {
		if s, ok := ev.(engine.StateChanged); ok {
			bobState.Store(s.State)
		}
	})
	var rings int32
	ring := func(why string) {
		t.Helper()
		testwait.Until(t, "both idle, bob in alice's list", 15*time.Second, func() bool {
			return bobState.Load() == engine.Idle && a.Snapshot().Call.State == engine.Idle &&
				strings.Contains(strings.Join(a.Snapshot().Users, ","), "bob")
		})
		if err := bob.Call("alice"); err != nil {
			t.Fatal(err)
		}
		rings++
		f.wait(t, "the ring before "+why, rings, 1)
	}
	stopped := func(why string) {
		t.Helper()
		f.wait(t, "the ring stopped by "+why, rings, 0)
	}

	ring("accept")
	if err := a.Accept(); err != nil {
		t.Fatal(err)
	}
	stopped("accept")
	testwait.Until(t, "in-call", 30*time.Second, func() bool {
		_, ok := rec.find("state", callState(engine.InCall))
		return ok
	})
	if err := a.HangUp(); err != nil {
		t.Fatal(err)
	}
	if f.started.Load() != rings {
		t.Fatal("the call itself rang")
	}

	ring("decline")
	if err := a.Decline(); err != nil {
		t.Fatal(err)
	}
	stopped("decline")

	ring("the caller's hang-up")
	if err := bob.HangUp(); err != nil {
		t.Fatal(err)
	}
	stopped("the caller's hang-up")

	ring("a lost server connection")
	a.Reconnect()
	stopped("a lost server connection")
	// Alice's engine hangs up on a connection that is closing: bob may
	// not hear of it, and then gives up himself.
	_ = bob.HangUp()
	testwait.Until(t, "alice signed in again", 15*time.Second, func() bool {
		_, ok := rec.find(EventSignaling, func(p any) bool { return p.(SignalingEvent).Status == protocol.LinkOffline })
		return ok && a.Snapshot().Signaling.Status == protocol.LinkOnline
	})

	ring("quitting")
	a.Stop()
	if f.playing.Load() != 0 {
		t.Fatal("Stop returned while the ring played")
	}
	bob.stop()
	testwait.Goroutines(t, base+2, 10*time.Second)
}
