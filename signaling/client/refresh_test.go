package client

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/signaling/server"
)

// Refresh drops the connection and reconnects at once under the same name,
// without waiting for a ping (both sides ping only hourly here); on a link
// that has silently stopped it takes the session offline at once.
func TestSessionRefresh(t *testing.T) {
	srv, err := server.New(server.Config{PingInterval: time.Hour, CoalesceInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() { defer close(served); srv.Serve(ctx, ln, "", "") }()
	defer func() { cancel(); <-served }()
	proxy := newHalfCut(t, ln.Addr().String())

	var log statusLog
	s, err := Connect(context.Background(), SessionConfig{
		Config:     Config{URL: "ws://" + proxy.ln.Addr().String() + "/", Name: "alice"},
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		PingInterval: time.Hour,
		OnStatus:     log.add,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	go func() {
		for range s.Messages() {
		}
	}()
	waitFor(t, "online", func() bool { return s.Status() == Online })
	waitFor(t, "resume token", func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.resume != "" })
	first := s.current()
	dial(t, "ws://"+ln.Addr().String()+"/", "bob", nil)

	s.Refresh()
	waitFor(t, "back online on a new connection", func() bool {
		c := s.current()
		return log.count(Online) >= 2 && c != nil && c != first
	})
	if s.Name() != "alice" {
		t.Fatalf("came back as %q", s.Name())
	}
	waitFor(t, "alice and bob listed", func() bool {
		return slices.Equal(sortedNames(srv.Hub().Users()), []string{"alice", "bob"})
	})

	proxy.freeze()
	offline := log.count(Offline)
	s.Refresh()
	waitFor(t, "offline at once on a dead link", func() bool { return log.count(Offline) > offline })
}
