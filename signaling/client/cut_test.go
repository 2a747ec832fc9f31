package client

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/testproxy"
	"github.com/parleyhq/parley/internal/testsignal"
	"github.com/parleyhq/parley/signaling/protocol"
	"github.com/parleyhq/parley/signaling/server"
)

// heldSession is alice's session reaching a server through a proxy that can
// break the link. The server pings only hourly, so it still holds alice's
// connection after the proxy cuts it, as a server does for a while when a
// laptop drops off the network.
type heldSession struct {
	srv   *testsignal.Server
	proxy *testproxy.Proxy
	s     *Link
	log   *statusLog
}

// newHeldSession connects alice through the proxy with quick reconnects and
// the session's own pings every pingInterval (0: the default), and returns
// once she is online and holds a resume token.
func newHeldSession(t *testing.T, pingInterval time.Duration) *heldSession {
	t.Helper()
	h := &heldSession{
		srv: testsignal.Start(t, server.Config{PingInterval: time.Hour, CoalesceInterval: 10 * time.Millisecond}),
		log: &statusLog{},
	}
	h.proxy = testproxy.New(t, h.srv.Addr)
	h.s = connectSession(t, LinkConfig{
		Config:     Config{URL: h.proxy.URL(), Name: "alice"},
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		PingInterval: pingInterval,
		OnStatus:     h.log.add,
	})
	resumeToken(t, h.s)
	return h
}

// The connection is cut while the server still has alice registered (its
// pings are an hour apart): the session reconnects at once and, with its
// resume token, is alice again rather than alice1, and bob never sees her
// leave.
func TestSessionResumesAfterNetworkCut(t *testing.T) {
	h := newHeldSession(t, 0)
	s := h.s
	bob := dial(t, h.srv.URL(), "bob", nil)

	h.proxy.Cut()
	waitFor(t, "back online", func() bool { return h.log.count(protocol.LinkOnline) >= 2 && s.Status() == protocol.LinkOnline })
	if s.Name() != "alice" {
		t.Fatalf("came back as %q", s.Name())
	}
	if users := h.srv.Hub().Users(); !slices.Equal(sortedNames(users), []string{"alice", "bob"}) {
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
	proxy := testproxy.New(t, startServer(t).Addr)
	s := connectSession(t, LinkConfig{
		Config:       Config{URL: proxy.URL(), Name: "erin"},
		PingInterval: 50 * time.Millisecond, PingTimeout: 2 * time.Second,
		MinBackoff: time.Hour, MaxBackoff: time.Hour, // stay offline once found out
	})
	time.Sleep(200 * time.Millisecond) // a few pings answered: a live link stays online
	if s.Status() != protocol.LinkOnline {
		t.Fatalf("live link went %v", s.Status())
	}
	proxy.Freeze()
	waitFor(t, "offline", func() bool { return s.Status() == protocol.LinkReconnecting })
	if err := s.Send(context.Background(), &protocol.Message{Type: protocol.TypeMessage, Text: "x"}); !errors.Is(err, ErrOffline) {
		t.Fatalf("Send: %v", err)
	}
}
