package client

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/testwait"
)

// fakeMachine is a machine whose addresses and route the test changes.
type fakeMachine struct {
	mu     sync.Mutex
	addrs  []string
	source string
}

func (m *fakeMachine) set(source string, addrs ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.source, m.addrs = source, addrs
}

func (m *fakeMachine) list() ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.addrs...), nil
}

func (m *fakeMachine) route() (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.source, nil
}

// Only the loss of the address the connection went out from counts: other
// addresses coming and going do not, and after a reconnect the watch
// follows the new connection's address. Closing done ends the watcher.
func TestWatchSource(t *testing.T) {
	m := &fakeMachine{}
	m.set("10.0.0.2", "10.0.0.2", "fe80::1")
	var online atomic.Uint64
	online.Add(1)
	var gone atomic.Int32
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		watchSource(done, time.Millisecond, online.Load, m.route, m.list, func() { gone.Add(1) })
	}()
	waitPolls := func() { time.Sleep(50 * time.Millisecond) } // dozens of polls

	waitPolls()
	m.set("10.0.0.2", "10.0.0.2", "10.8.0.5") // a VPN comes up, the link's IPv6 goes
	waitPolls()
	if n := gone.Load(); n != 0 {
		t.Fatalf("other addresses changing counted as the connection's going: %d", n)
	}
	m.set("10.0.0.3", "10.0.0.3", "10.8.0.5") // a new lease
	testwait.Until(t, "the connection's address reported gone", 10*time.Second, func() bool { return gone.Load() == 1 })
	waitPolls()
	if n := gone.Load(); n != 1 {
		t.Fatalf("one change reported %d times", n)
	}

	online.Add(1) // reconnected from 10.0.0.3
	waitPolls()
	m.set("10.0.0.4", "10.0.0.4")
	testwait.Until(t, "the new connection's address reported gone", 10*time.Second, func() bool { return gone.Load() == 2 })

	close(done)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher did not stop")
	}
}

// sourceFor names the address the kernel routes to the server from:
// loopback for a server on loopback.
func TestSourceFor(t *testing.T) {
	for _, u := range []string{"ws://127.0.0.1:6503/", "wss://127.0.0.1/"} {
		got, err := sourceFor(u)
		if err != nil || !net.ParseIP(got).IsLoopback() {
			t.Errorf("sourceFor(%q) = %q, %v; want a loopback address", u, got, err)
		}
	}
	if _, err := sourceFor("ws://[bad"); err == nil {
		t.Error("a malformed URL gave an address")
	}
}
