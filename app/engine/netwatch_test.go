package engine

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/testwait"
)

// An address going away is reported once per poll that sees it gone; an
// address appearing is not; closing done ends the watcher.
func TestWatchAddrs(t *testing.T) {
	var mu sync.Mutex
	current := []string{"10.0.0.2", "fe80::1"}
	set := func(a ...string) { mu.Lock(); current = a; mu.Unlock() }
	addrs := func() ([]string, error) { mu.Lock(); defer mu.Unlock(); return append([]string(nil), current...), nil }
	var gone atomic.Int32
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() { defer close(exited); watchAddrs(done, time.Millisecond, addrs, func() { gone.Add(1) }) }()

	set("10.0.0.2", "fe80::1", "10.8.0.5") // a VPN comes up
	time.Sleep(50 * time.Millisecond)      // many polls
	if n := gone.Load(); n != 0 {
		t.Fatalf("an added address counted as gone %d times", n)
	}
	set("10.0.0.3", "fe80::1", "10.8.0.5") // a new lease
	testwait.Until(t, "the old address reported gone", 10*time.Second, func() bool { return gone.Load() == 1 })
	time.Sleep(50 * time.Millisecond)
	if n := gone.Load(); n != 1 {
		t.Fatalf("one change reported %d times", n)
	}
	close(done)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher did not stop")
	}
}
