package engine_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/internal/testsignal"
	"github.com/parleyhq/parley/signaling/protocol"
	"github.com/parleyhq/parley/signaling/server"
)

// peerMedia returns the peer-media events reported so far.
func (p *peer) peerMedia() []engine.PeerMediaChanged {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []engine.PeerMediaChanged
	for _, ev := range p.events {
		if m, ok := ev.(engine.PeerMediaChanged); ok {
			out = append(out, m)
		}
	}
	return out
}

// lastPeerMedia reports whether the latest peer-media event is want.
func (p *peer) lastPeerMedia(want engine.PeerMediaChanged) bool {
	got := p.peerMedia()
	return len(got) > 0 && got[len(got)-1] == want
}

func (p *peer) chatFrom(name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.ContainsFunc(p.events, func(ev engine.Event) bool {
		c, ok := ev.(engine.ChatReceived)
		return ok && c.From == name
	})
}

// Each side learns what the other sends once the call is answered, and
// again after every toggle; a third user cannot put a state on the call.
func TestMediaStateReachesThePeer(t *testing.T) {
	url := startServer(t)
	alice := newPeer(t, url, peerOpts{name: "alice", camera: testmedia.CameraA, mic: testmedia.Tone})
	// Bob has no microphone: he sends no sound, and says so.
	bob := newPeer(t, url, peerOpts{name: "bob", camera: testmedia.CameraB, mic: "none", autoAnswer: true})
	connectCall(t, alice, bob)

	aliceOn := engine.PeerMediaChanged{Peer: "alice", MediaState: engine.MediaState{Audio: true, Video: true}}
	eventually(t, "bob told alice sends both", func() bool { return bob.lastPeerMedia(aliceOn) })
	eventually(t, "alice told bob sends only pictures", func() bool {
		return alice.lastPeerMedia(engine.PeerMediaChanged{Peer: "bob", MediaState: engine.MediaState{Audio: false, Video: true}})
	})

	steps := []struct {
		do   func() error
		want engine.MediaState
	}{
		{func() error { return alice.eng.SetCameraOn(false) }, engine.MediaState{Audio: true, Video: false}},
		{func() error { return alice.eng.SetMuted(true) }, engine.MediaState{Audio: false, Video: false}},
		{func() error { return alice.eng.SetCameraOn(true) }, engine.MediaState{Audio: false, Video: true}},
		{func() error { return alice.eng.SetMuted(false) }, engine.MediaState{Audio: true, Video: true}},
	}
	for i, step := range steps {
		if err := step.do(); err != nil {
			t.Fatal(err)
		}
		want := engine.PeerMediaChanged{Peer: "alice", MediaState: step.want}
		eventually(t, fmt.Sprintf("bob sees step %d", i+1), func() bool { return bob.lastPeerMedia(want) })
	}
	// Saying again what already holds tells the peer nothing new.
	before := len(bob.peerMedia())
	if err := alice.eng.SetCameraOn(true); err != nil {
		t.Fatal(err)
	}

	// Mallory's state for bob's call is ignored. Her chat message, sent
	// after it on the same connection, arrives after it.
	mallory := dialRaw(t, url, "mallory")
	no := false
	sendRaw(t, mallory, &protocol.Message{Type: protocol.TypeMediaState, Target: "bob", Audio: &no, Video: &no})
	sendRaw(t, mallory, &protocol.Message{Type: protocol.TypeMessage, Text: "done"})
	eventually(t, "bob gets mallory's chat", func() bool { return bob.chatFrom("mallory") })
	if got := bob.peerMedia(); len(got) != before || !bob.lastPeerMedia(aliceOn) {
		t.Errorf("bob's peer-media events after a repeated toggle and mallory: %v", got[before:])
	}
}

// A camera turned off before the call is announced as off with the answer:
// the peer never waits for pictures that will not come.
func TestMediaStateBeforeTheCall(t *testing.T) {
	url := startServer(t)
	alice := newPeer(t, url, peerOpts{name: "alice", camera: testmedia.CameraA, mic: "none", autoAnswer: true})
	bob := newPeer(t, url, peerOpts{name: "bob", camera: "none", mic: "none"})
	if err := alice.eng.SetCameraOn(false); err != nil {
		t.Fatal(err)
	}
	eventually(t, "bob sees alice", func() bool { return bob.hasUser("alice") })
	if err := bob.eng.Call("alice"); err != nil {
		t.Fatal(err)
	}
	off := engine.PeerMediaChanged{Peer: "alice", MediaState: engine.MediaState{}}
	eventually(t, "bob told alice sends nothing", func() bool { return bob.lastPeerMedia(off) })
	if got := bob.peerMedia(); len(got) != 1 {
		t.Errorf("bob got %v, want one state", got)
	}
	if err := bob.eng.HangUp(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "alice's call ended", func() bool { _, ok := alice.endReason(); return ok })
	// Without a call, a state from anyone is ignored.
	yes := true
	carol := dialRaw(t, url, "carol")
	sendRaw(t, carol, &protocol.Message{Type: protocol.TypeMediaState, Target: "alice", Audio: &yes, Video: &yes})
	sendRaw(t, carol, &protocol.Message{Type: protocol.TypeMessage, Text: "done"})
	eventually(t, "alice gets carol's chat", func() bool { return alice.chatFrom("carol") })
	if got := alice.peerMedia(); slices.ContainsFunc(got, func(m engine.PeerMediaChanged) bool { return m.Peer == "carol" }) {
		t.Errorf("alice took a state from someone not in a call with her: %v", got)
	}
}

// A toggle during a server outage cannot reach the peer then; it does once
// both are back on the server, while the call has carried on peer to peer.
func TestMediaStateAfterOutage(t *testing.T) {
	srv := testsignal.Start(t, server.Config{})
	var log lockedLog
	alice := newPeer(t, srv.URL(), peerOpts{name: "alice", camera: testmedia.CameraA, mic: "none", session: true, log: &log})
	bob := newPeer(t, srv.URL(), peerOpts{name: "bob", camera: "none", mic: "none", autoAnswer: true, session: true, log: &log})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("alice %v; bob %v; signaling:\n%s", alice.signalingStatuses(), bob.signalingStatuses(), log.String())
		}
	})
	connectCall(t, alice, bob)
	on := engine.PeerMediaChanged{Peer: "alice", MediaState: engine.MediaState{Audio: false, Video: true}}
	eventually(t, "bob told alice's camera is on", func() bool { return bob.lastPeerMedia(on) })

	srv.Stop()
	eventually(t, "alice sees the outage", func() bool { return lastStatus(alice) == protocol.LinkReconnecting })
	if err := alice.eng.SetCameraOn(false); err != nil {
		t.Fatal(err)
	}
	srv = testsignal.StartOn(t, srv.Addr, server.Config{})
	off := engine.PeerMediaChanged{Peer: "alice", MediaState: engine.MediaState{}}
	eventually(t, "bob told alice's camera is off", func() bool { return bob.lastPeerMedia(off) })
	if _, ended := bob.endReason(); ended {
		t.Fatalf("bob's call ended: %v", bob.states())
	}
}
