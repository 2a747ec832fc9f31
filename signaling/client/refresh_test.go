package client

import (
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/signaling/protocol"
)

// Refresh drops the connection and reconnects at once under the same name,
// without waiting for a ping (both sides ping only hourly here); on a link
// that has silently stopped it takes the session offline at once.
func TestSessionRefresh(t *testing.T) {
	h := newHeldSession(t, time.Hour)
	s, log := h.s, h.log
	first := s.current()
	dial(t, h.srv.URL(), "bob", nil)

	s.Refresh()
	waitFor(t, "back online on a new connection", func() bool {
		c := s.current()
		return log.count(protocol.LinkOnline) >= 2 && c != nil && c != first
	})
	if s.Name() != "alice" {
		t.Fatalf("came back as %q", s.Name())
	}
	waitFor(t, "alice and bob listed", func() bool {
		return slices.Equal(sortedNames(h.srv.Hub().Users()), []string{"alice", "bob"})
	})

	h.proxy.Freeze()
	offline := log.count(protocol.LinkReconnecting)
	s.Refresh()
	waitFor(t, "offline at once on a dead link", func() bool { return log.count(protocol.LinkReconnecting) > offline })
}
