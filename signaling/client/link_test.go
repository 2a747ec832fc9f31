package client

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/testsignal"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/protocol"
)

// statusLog records a session's status changes.
type statusLog struct {
	mu  sync.Mutex
	got []protocol.LinkStatus
}

func (l *statusLog) add(s protocol.LinkStatus, _ error) {
	l.mu.Lock()
	l.got = append(l.got, s)
	l.mu.Unlock()
}

func (l *statusLog) count(s protocol.LinkStatus) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, g := range l.got {
		if g == s {
			n++
		}
	}
	return n
}

// The server goes away and comes back on the same port: the session goes
// offline (Send fails fast), comes back under the same name, and its one
// Messages channel carries on.
func TestSessionSurvivesServerRestart(t *testing.T) {
	base := runtime.NumGoroutine()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	stop := testsignal.StartOn(t, addr, serverConfig).Stop

	var log statusLog
	s, err := Connect(context.Background(), LinkConfig{
		Config:     Config{URL: "ws://" + addr + "/", Name: "alice"},
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		OnStatus: log.add,
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages()
	waitFor(t, "online", func() bool { return s.Status() == protocol.LinkOnline })

	stop()
	waitFor(t, "offline", func() bool { return s.Status() != protocol.LinkOnline })
	if err := s.Send(context.Background(), &protocol.Message{Type: protocol.TypeMessage, Text: "hi"}); !errors.Is(err, ErrOffline) {
		t.Fatalf("Send while offline: %v, want ErrOffline", err)
	}

	stop = testsignal.StartOn(t, addr, serverConfig).Stop
	waitFor(t, "online again", func() bool { return s.Status() == protocol.LinkOnline })
	if s.Name() != "alice" {
		t.Fatalf("came back as %q", s.Name())
	}
	bob := dial(t, "ws://"+addr+"/", "bob", nil)
	if err := bob.Send(context.Background(), &protocol.Message{Type: protocol.TypeMessage, Text: "welcome back"}); err != nil {
		t.Fatal(err)
	}
	for m := range msgs {
		if m.Type == protocol.TypeMessage && m.Text == "welcome back" && m.Name == "bob" {
			break
		}
	}
	if log.count(protocol.LinkOnline) < 2 || log.count(protocol.LinkReconnecting) < 1 {
		t.Errorf("statuses %v", log.got)
	}
	bob.Close()
	s.Close()
	if s.Status() != protocol.LinkOffline || !errors.Is(s.Err(), ErrClosed) {
		t.Errorf("after Close: %v, %v", s.Status(), s.Err())
	}
	stop()
	waitGoroutines(t, base)
}

// A second session presenting the first's resume token (as a reconnect
// after a network cut would) replaces it; the replaced session stops
// instead of fighting back.
func TestReplacedSessionStops(t *testing.T) {
	url := startServer(t).URL()
	first, err := Connect(context.Background(), LinkConfig{Config: Config{URL: url, Name: "carol"}})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	waitFor(t, "first online", func() bool { return first.Status() == protocol.LinkOnline })
	token := resumeToken(t, first)
	c, err := Dial(context.Background(), Config{URL: url, Name: "carol", Resume: token})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Name() != "carol" {
		t.Fatalf("resumed as %q", c.Name())
	}
	select {
	case <-first.Done():
	case <-time.After(20 * time.Second):
		t.Fatalf("replaced session still %v", first.Status())
	}
	if !slices.Contains(c.Users(), "carol") {
		t.Errorf("users %v", c.Users())
	}
}

// connectSession connects a session with cfg, drains its messages as an
// application's loop would, closes it when the test ends, and returns once
// it is online.
func connectSession(t *testing.T, cfg LinkConfig) *Link {
	t.Helper()
	s, err := Connect(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	go func() {
		for range s.Messages() {
		}
	}()
	waitFor(t, "online", func() bool { return s.Status() == protocol.LinkOnline })
	return s
}

// resumeToken waits until the server has given s the resume token that a
// reconnect presents to keep its name, and returns it.
func resumeToken(t *testing.T, s *Link) string {
	t.Helper()
	var token string
	waitFor(t, "resume token", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		token = s.resume
		return token != ""
	})
	return token
}

func waitGoroutines(t *testing.T, base int) {
	testwait.Goroutines(t, base, 20*time.Second)
}

// A session whose Target moves (the LAN's meeting place changed) goes to
// the new server on Refresh, under its name, with its one Messages
// channel; the old server sees it leave. A long backoff does not delay it.
func TestSessionFollowsTarget(t *testing.T) {
	a, b := startServer(t), startServer(t)
	var mu sync.Mutex
	target := "ws://" + a.Addr + "/"
	s, err := Connect(context.Background(), LinkConfig{
		Config:     Config{Name: "alice"},
		MinBackoff: time.Minute, MaxBackoff: time.Minute,
		Target: func() (string, *tls.Config) {
			mu.Lock()
			defer mu.Unlock()
			return target, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	go func() {
		for range s.Messages() {
		}
	}()
	watcher := dial(t, "ws://"+b.Addr+"/", "watcher", nil)
	drain(watcher)
	waitFor(t, "alice on the first server", func() bool { return s.Status() == protocol.LinkOnline && s.URL() == "ws://"+a.Addr+"/" })
	mu.Lock()
	target = "ws://" + b.Addr + "/"
	mu.Unlock()
	s.Refresh()
	waitFor(t, "alice on the second server", func() bool {
		return s.Status() == protocol.LinkOnline && s.URL() == "ws://"+b.Addr+"/" && slices.Contains(watcher.Users(), "alice")
	})
}

// Changes reports an outage and the return from it, and not the first
// connection, which ConnectOnline (Ready) already reported: the engine
// would otherwise act on a return that never followed an outage.
func TestLinkChangesReportOutageAndReturn(t *testing.T) {
	srv := testsignal.Start(t, serverConfig)
	l, err := ConnectOnline(context.Background(), LinkConfig{
		Config:     Config{URL: srv.URL(), Name: "alice"},
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for range l.Messages() {
		}
	}()
	next := func() protocol.LinkStatus {
		t.Helper()
		select {
		case st := <-l.Changes():
			return st
		case <-time.After(20 * time.Second):
			t.Fatalf("no status change; link is %v", l.Status())
			return ""
		}
	}
	srv.Stop()
	if st := next(); st != protocol.LinkReconnecting {
		t.Fatalf("first change %v, want reconnecting", st)
	}
	defer testsignal.StartOn(t, srv.Addr, serverConfig).Stop()
	if st := next(); st != protocol.LinkOnline {
		t.Fatalf("second change %v, want online", st)
	}
}
