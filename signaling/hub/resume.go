package hub

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/parleyhq/parley/signaling/protocol"
)

// Evictable is implemented by peers the hub can disconnect when a resumed
// session takes over their name. Peers without it keep their connection
// until it fails on its own, but lose the name at once.
type Evictable interface {
	// Evict closes the connection with protocol.CloseReplaced. The hub has
	// already detached it: the later Detach is a no-op and sends nothing.
	Evict()
}

// Resume tokens let a client that lost its connection take its name back at
// once, even while the server still holds the old connection (a network cut
// is only noticed at the next failed ping, up to a minute later). The old
// session is replaced silently: no user-left, no hang-up, and its calls
// carry over to the new connection, so a call in progress survives.
//
// Tokens are random, issued one per registered member, rotated on every
// takeover, and live only as long as the member: after the server has
// noticed the disconnect, the name is free anyway.

// newResumeToken returns 128 random bits, URL-safe.
func newResumeToken() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return base64.RawURLEncoding.EncodeToString(b)
}

// issueResumeLocked gives m a fresh token and sends it.
func (h *Hub) issueResumeLocked(m *Member) {
	if m.resume != "" {
		delete(h.resumes, m.resume)
	}
	m.resume = newResumeToken()
	h.resumes[m.resume] = m
	m.peer.Send(protocol.Encode(&protocol.Message{Type: protocol.TypeSession, Resume: m.resume}))
}

// takeOverLocked replaces the member holding m's presented resume token,
// if that member has the name m wants, and reports whether it did. m must
// not be registered yet.
func (h *Hub) takeOverLocked(m *Member, want string) bool {
	old, ok := h.resumes[m.wantResume]
	m.wantResume = ""
	if !ok || old == m || old.detached || old.name != want || m.name != "" {
		return false
	}
	delete(h.resumes, old.resume)
	if old.leaving != nil {
		old.leaving.Stop() // back within the grace period
	}
	old.detached = true
	delete(h.members, old.peer.ID())
	h.calls.transfer(old.peer.ID(), m.peer.ID())
	h.router.Unbind(old.name, old.peer)
	h.router.Bind(want, m.peer)
	m.name = want
	m.delta = m.delta || old.delta
	h.log.Info("resume", "name", want, "old", old.peer.ID(), "new", m.peer.ID())
	if e, ok := old.peer.(Evictable); ok {
		e.Evict()
	}
	return true
}
