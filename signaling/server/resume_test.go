package server

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/signaling/protocol"
)

// blackhole forwards one TCP connection until cut, after which it drops
// everything in both directions without closing anything: a network cut the
// server can only notice by its pings failing.
type blackhole struct {
	ln  net.Listener
	mu  sync.Mutex
	cut bool
	wg  sync.WaitGroup
}

func newBlackhole(t *testing.T, target string) *blackhole {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackhole{ln: ln}
	var conns []net.Conn
	var cmu sync.Mutex
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			cmu.Lock()
			conns = append(conns, c, up)
			cmu.Unlock()
			b.wg.Add(2)
			go b.pipe(up, c)
			go b.pipe(c, up)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		cmu.Lock()
		for _, c := range conns {
			c.Close()
		}
		cmu.Unlock()
		b.wg.Wait()
	})
	return b
}

func (b *blackhole) pipe(dst, src net.Conn) {
	defer b.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		b.mu.Lock()
		cut := b.cut
		b.mu.Unlock()
		if cut {
			continue
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return
		}
	}
}

func (b *blackhole) sever() { b.mu.Lock(); b.cut = true; b.mu.Unlock() }

func (b *blackhole) url() string { return "ws://" + b.ln.Addr().String() + "/" }

// registerResumable says hello and registers, returning the resume token.
func registerResumable(c *wsClient, name, resume string) string {
	c.t.Helper()
	id := c.until(protocol.TypeID)
	c.send(&protocol.Message{Type: protocol.TypeHello, Features: []string{protocol.FeatureUserDelta}, Resume: resume})
	c.send(&protocol.Message{Type: protocol.TypeUsername, Name: name, ID: id.ID})
	var token string
	for {
		m := c.next()
		switch m.Type {
		case protocol.TypeSession:
			token = m.Resume
		case protocol.TypeRejectUsername:
			c.t.Fatalf("renamed to %q", m.Name)
		case protocol.TypeUserlist:
			if token == "" {
				c.t.Fatal("no session token before the user list")
			}
			return token
		}
	}
}

// A network cut leaves the old session registered (the server notices it
// only when its pings fail). The client reconnects with its resume token
// and takes its name back at once; its call partner sees no user-left and
// no hang-up, and relays reach the new connection.
func TestResumeTakesOverStaleSession(t *testing.T) {
	ts := start(t, Config{PingInterval: time.Hour})
	hole := newBlackhole(t, ts.addr)

	bob := mdnDial(t, ts.url())
	registerResumable(bob, "bob", "")
	alice := mdnDial(t, hole.url())
	token := registerResumable(alice, "alice", "")
	if len(token) < 20 {
		t.Fatalf("weak resume token %q", token)
	}
	// A call: offer and answer make the hub pair them.
	sdp := &protocol.SessionDescription{Type: "offer", SDP: "v=0"}
	alice.send(&protocol.Message{Type: protocol.TypeVideoOffer, Target: "bob", SDP: sdp})
	bob.until(protocol.TypeVideoOffer)
	bob.send(&protocol.Message{Type: protocol.TypeVideoAnswer, Target: "alice", SDP: &protocol.SessionDescription{Type: "answer", SDP: "v=0"}})
	alice.until(protocol.TypeVideoAnswer)

	hole.sever()
	// A wrong token does not take the name: the newcomer is renamed.
	thief := mdnDial(t, ts.url())
	id := thief.until(protocol.TypeID)
	thief.send(&protocol.Message{Type: protocol.TypeHello, Resume: "not-the-token"})
	thief.send(&protocol.Message{Type: protocol.TypeUsername, Name: "alice", ID: id.ID})
	if m := thief.until(protocol.TypeRejectUsername); m.Name == "alice" {
		t.Fatalf("thief got the name: %+v", m)
	}

	back := mdnDial(t, ts.url())
	newToken := registerResumable(back, "alice", token)
	if newToken == token {
		t.Error("resume token not rotated")
	}
	bob.send(&protocol.Message{Type: protocol.TypeNewICECandidate, Target: "alice", Candidate: &protocol.ICECandidate{Candidate: "candidate:1"}})
	if m := back.until(protocol.TypeNewICECandidate); m.Candidate.Candidate != "candidate:1" {
		t.Fatalf("resumed session got %+v", m)
	}
	// Bob saw the thief join, and nothing about alice.
	bob.send(&protocol.Message{Type: protocol.TypeMessage, Text: "marker"})
	for {
		m := bob.next()
		if m.Type == protocol.TypeMessage && m.Text == "marker" {
			break
		}
		if m.Type == protocol.TypeHangUp || (m.Type == protocol.TypeUserLeft && m.Name == "alice") {
			t.Fatalf("bob got %+v during the takeover", m)
		}
	}
	// The call carried over: the resumed alice disconnecting hangs up bob's call.
	back.conn.Close(websocket.StatusNormalClosure, "")
	if m := bob.until(protocol.TypeHangUp); m.Name != "alice" || m.Reason != protocol.ReasonDisconnected {
		t.Fatalf("hang-up %+v", m)
	}
	// The old token is spent.
	again := mdnDial(t, ts.url())
	id = again.until(protocol.TypeID)
	again.send(&protocol.Message{Type: protocol.TypeHello, Resume: token})
	again.send(&protocol.Message{Type: protocol.TypeUsername, Name: "thief2", ID: id.ID})
	again.until(protocol.TypeUserlist)
}

// An older live connection replaced by a resume is closed with
// CloseReplaced, so it knows not to reconnect.
func TestReplacedSessionGetsCloseReplaced(t *testing.T) {
	ts := start(t, Config{})
	old := mdnDial(t, ts.url())
	token := registerResumable(old, "carol", "")
	fresh := mdnDial(t, ts.url())
	registerResumable(fresh, "carol", token)
	if code := old.closeStatus(); code != protocol.CloseReplaced {
		t.Fatalf("old session closed with %v, want %d", code, protocol.CloseReplaced)
	}
}

// Within the grace period a client whose connection dropped comes back with
// its token: its partner sees nothing. Past it, the partner gets the
// disconnected hang-up and user-left.
func TestResumeGrace(t *testing.T) {
	ts := start(t, Config{ResumeGrace: time.Second})
	bob := mdnDial(t, ts.url())
	registerResumable(bob, "bob", "")
	alice := mdnDial(t, ts.url())
	token := registerResumable(alice, "alice", "")
	alice.send(&protocol.Message{Type: protocol.TypeVideoOffer, Target: "bob", SDP: &protocol.SessionDescription{Type: "offer", SDP: "v=0"}})
	bob.until(protocol.TypeVideoOffer)
	bob.send(&protocol.Message{Type: protocol.TypeVideoAnswer, Target: "alice", SDP: &protocol.SessionDescription{Type: "answer", SDP: "v=0"}})
	alice.until(protocol.TypeVideoAnswer)

	alice.conn.CloseNow()
	back := mdnDial(t, ts.url())
	token = registerResumable(back, "alice", token)
	bob.send(&protocol.Message{Type: protocol.TypeMessage, Text: "marker"})
	for m := bob.next(); m.Text != "marker"; m = bob.next() {
		if m.Type == protocol.TypeHangUp || m.Type == protocol.TypeUserLeft {
			t.Fatalf("bob got %+v although alice came back in time", m)
		}
	}

	back.conn.CloseNow()
	if m := bob.until(protocol.TypeHangUp); m.Name != "alice" || m.Reason != protocol.ReasonDisconnected {
		t.Fatalf("%+v", m)
	}
	if m := bob.until(protocol.TypeUserLeft); m.Name != "alice" {
		t.Fatalf("%+v", m)
	}
	// The name is free again, and the spent grace token takes nothing.
	late := mdnDial(t, ts.url())
	if registerResumable(late, "alice", token) == "" {
		t.Fatal("no token")
	}
}
