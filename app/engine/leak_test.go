package engine_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/internal/testsignal"
	"github.com/parleyhq/parley/signaling/client"
	"github.com/parleyhq/parley/signaling/server"
)

// leakPeer is an engine that keeps no event history (the test harness's
// peer keeps every event, which would grow the heap by itself over a
// thousand calls): it only counts calls that connected and ended.
type leakPeer struct {
	eng           *engine.Engine
	inCall, ended atomic.Int64
	cancel        context.CancelFunc
	done          chan error
	client        *client.Client
}

func newLeakPeer(t *testing.T, url, name string, autoAnswer bool) *leakPeer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c, err := client.Dial(ctx, client.Config{URL: url, Name: name})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	p := &leakPeer{cancel: cancel, done: make(chan error, 1), client: c}
	p.eng, err = engine.New(engine.Config{
		Devices:    engine.NewMediaDevices(media.VideoRequest{Width: 160, Height: 120}, media.CodecConfig{}),
		Camera:     "none",
		Microphone: "none",
		AutoAnswer: autoAnswer,
	})
	if err != nil {
		t.Fatal(err)
	}
	p.eng.Subscribe(func(ev engine.Event) {
		if s, ok := ev.(engine.StateChanged); ok {
			switch s.State {
			case engine.InCall:
				p.inCall.Add(1)
			case engine.Idle:
				p.ended.Add(1)
			}
		}
	})
	go func() { p.done <- p.eng.Run(ctx, c) }()
	t.Cleanup(func() {
		cancel()
		<-p.done
		_ = c.Close()
	})
	return p
}

// usage is what a process holds: goroutines, open files, live heap.
type usage struct {
	goroutines, fds int
	heap            uint64
}

func measure(t *testing.T) usage {
	t.Helper()
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return usage{goroutines: runtime.NumGoroutine(), fds: len(fds), heap: ms.HeapAlloc}
}

// leakCalls is how many calls TestThousandCallsLeaveNothingBehind places
// after its warm-up; PARLEY_LEAK_CALLS overrides it.
func leakCalls(t *testing.T) int {
	if v := os.Getenv("PARLEY_LEAK_CALLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("PARLEY_LEAK_CALLS=%q", v)
		}
		return n
	}
	if testing.Short() {
		return 100
	}
	return 1000
}

// A thousand sequential calls (offer, connected, hang-up; no media) leave
// goroutines, file descriptors and the live heap where twenty calls of
// warm-up left them.
func TestThousandCallsLeaveNothingBehind(t *testing.T) {
	// Calls back to back send candidates faster than the server lets one
	// client send by default (50 messages a second); lift the limit so
	// that the test measures the engine, not the rate limiter.
	url := testsignal.Start(t, server.Config{Rate: 1e6, Burst: 1e6}).URL()
	alice := newLeakPeer(t, url, "alice", false)
	bob := newLeakPeer(t, url, "bob", true)
	eventually(t, "alice sees bob", func() bool {
		for _, u := range alice.client.Users() {
			if u == "bob" {
				return true
			}
		}
		return false
	})
	calls := func(n int) {
		for i := range n {
			want := alice.ended.Load() + 1
			wantBob := bob.ended.Load() + 1
			connected := alice.inCall.Load() + 1
			if err := alice.eng.Call("bob"); err != nil {
				t.Fatal(err)
			}
			eventually(t, fmt.Sprintf("call %d connected (alice in-call %d ended %d, bob in-call %d ended %d)", i, alice.inCall.Load(), alice.ended.Load(), bob.inCall.Load(), bob.ended.Load()), func() bool { return alice.inCall.Load() >= connected })
			if err := alice.eng.HangUp(); err != nil {
				t.Fatal(err)
			}
			eventually(t, "both idle", func() bool { return alice.ended.Load() >= want && bob.ended.Load() >= wantBob })
		}
	}
	calls(20)
	// Closing a call leaves pion's goroutines winding down for a moment.
	settle := func() usage {
		var u usage
		deadline := time.Now().Add(10 * time.Second)
		for {
			u = measure(t)
			if time.Now().After(deadline) || u.goroutines <= baselineGoroutines {
				return u
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	baselineGoroutines = 1 << 30
	before := settle()
	baselineGoroutines = before.goroutines

	n := leakCalls(t)
	start := time.Now()
	calls(n)
	took := time.Since(start)
	after := settle()

	t.Logf("%d calls in %v (%v per call); goroutines %d → %d, fds %d → %d, heap %.1f → %.1f MiB",
		n, took.Round(time.Millisecond), (took / time.Duration(n)).Round(time.Microsecond),
		before.goroutines, after.goroutines, before.fds, after.fds,
		float64(before.heap)/(1<<20), float64(after.heap)/(1<<20))
	if after.goroutines > before.goroutines+2 {
		t.Errorf("goroutines grew from %d to %d", before.goroutines, after.goroutines)
	}
	if after.fds > before.fds+2 {
		t.Errorf("file descriptors grew from %d to %d", before.fds, after.fds)
	}
	// A leaked PeerConnection holds far more than this; the margin covers
	// pools and the server's buffers warming up.
	if after.heap > before.heap+2<<20 {
		t.Errorf("live heap grew from %d to %d bytes", before.heap, after.heap)
	}
}

// baselineGoroutines is what settle waits for.
var baselineGoroutines int
