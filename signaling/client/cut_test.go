package client

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/signaling/protocol"
	"github.com/parleyhq/parley/signaling/server"
)

// halfCut is a TCP proxy whose cut closes the client side of every
// connection abruptly while leaving the server side open and silent: the
// client sees its connection die, the server still holds the session.
// freeze instead drops everything both ways and closes nothing: a link
// that silently stopped, which neither end can see without pings.
type halfCut struct {
	ln      net.Listener
	mu      sync.Mutex
	frozen  bool
	clients []net.Conn
	servers []net.Conn
	wg      sync.WaitGroup
}

func newHalfCut(t *testing.T, target string) *halfCut {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &halfCut{ln: ln}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.clients, p.servers = append(p.clients, c), append(p.servers, s)
			p.mu.Unlock()
			p.wg.Add(2)
			go p.pipe(s, c)
			go p.pipe(c, s)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for _, c := range append(p.clients, p.servers...) {
			c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *halfCut) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		p.mu.Lock()
		frozen := p.frozen
		p.mu.Unlock()
		if frozen {
			continue
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return
		}
	}
}

func (p *halfCut) freeze() { p.mu.Lock(); p.frozen = true; p.mu.Unlock() }

// cut resets the client sides. The copy from the server keeps running into
// a closed socket and stops; the server side stays open.
func (p *halfCut) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.clients {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // RST, as when a laptop drops off the network
		}
		c.Close()
	}
	p.clients = nil
}

// The connection is cut while the server still has alice registered (its
// pings are an hour apart): the session reconnects at once and, with its
// resume token, is alice again rather than alice1, and bob never sees her
// leave.
func TestSessionResumesAfterNetworkCut(t *testing.T) {
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
		OnStatus: log.add,
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
	bob := dial(t, "ws://"+ln.Addr().String()+"/", "bob", nil)

	proxy.cut()
	waitFor(t, "back online", func() bool { return log.count(Online) >= 2 && s.Status() == Online })
	if s.Name() != "alice" {
		t.Fatalf("came back as %q", s.Name())
	}
	if users := srv.Hub().Users(); !slices.Equal(sortedNames(users), []string{"alice", "bob"}) {
		t.Fatalf("server users %v", users)
	}
	if err := s.Send(context.Background(), &protocol.Message{Type: protocol.TypeMessage, Text: "back"}); err != nil {
		t.Fatal(err)
	}
	for m := range bob.Messages() {
		if m.Type == protocol.TypeUserLeft {
			t.Fatalf("bob saw %+v", m)
		}
		if m.Type == protocol.TypeMessage && m.Text == "back" {
			break
		}
	}
}

func sortedNames(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// A link that silently stops is found by the session's own pings: it goes
// offline within PingInterval+PingTimeout instead of waiting for TCP.
func TestSessionPingsFindASilentLink(t *testing.T) {
	url, _ := startServer(t)
	proxy := newHalfCut(t, strings.TrimSuffix(strings.TrimPrefix(url, "ws://"), "/"))
	var log statusLog
	s, err := Connect(context.Background(), SessionConfig{
		Config:       Config{URL: "ws://" + proxy.ln.Addr().String() + "/", Name: "erin"},
		PingInterval: 50 * time.Millisecond, PingTimeout: 2 * time.Second,
		MinBackoff: time.Hour, MaxBackoff: time.Hour, // stay offline once found out
		OnStatus: log.add,
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
	time.Sleep(200 * time.Millisecond) // a few pings answered: a live link stays online
	if s.Status() != Online {
		t.Fatalf("live link went %v", s.Status())
	}
	proxy.freeze()
	waitFor(t, "offline", func() bool { return s.Status() == Offline })
	if err := s.Send(context.Background(), &protocol.Message{Type: protocol.TypeMessage, Text: "x"}); !errors.Is(err, ErrOffline) {
		t.Fatalf("Send: %v", err)
	}
}
