package engine_test

import (
	"testing"
	"time"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/internal/testsignal"
	"github.com/parleyhq/parley/signaling/protocol"
	"github.com/parleyhq/parley/signaling/server"
)

func (p *peer) signalingStatuses() []protocol.LinkStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []protocol.LinkStatus
	for _, ev := range p.events {
		if s, ok := ev.(engine.SignalingChanged); ok {
			out = append(out, s.Status)
		}
	}
	return out
}

func lastStatus(p *peer) protocol.LinkStatus {
	st := p.signalingStatuses()
	if len(st) == 0 {
		return ""
	}
	return st[len(st)-1]
}

// The server goes away mid-call and comes back on the same port: the call
// carries on peer to peer, both peers register again under their names,
// and hanging up afterwards reaches the other side through the new server.
func TestCallSurvivesSignalingRestart(t *testing.T) {
	srv := testsignal.Start(t, server.Config{})
	alice := newPeer(t, srv.URL(), peerOpts{name: "alice", camera: testmedia.CameraA, mic: testmedia.Tone, session: true})
	bob := newPeer(t, srv.URL(), peerOpts{name: "bob", camera: testmedia.CameraB, mic: "none", autoAnswer: true, session: true})
	connectCall(t, alice, bob)
	eventually(t, "pictures", func() bool { return bob.video.Report().RemoteFrames > 10 && alice.video.Report().RemoteFrames > 10 })

	srv.Stop()
	eventually(t, "both see the outage", func() bool {
		return lastStatus(alice) == protocol.LinkReconnecting && lastStatus(bob) == protocol.LinkReconnecting
	})
	// Pictures keep coming while there is no server.
	atOutage := bob.video.Report().RemoteFrames
	eventually(t, "pictures during the outage", func() bool {
		return bob.video.Report().RemoteFrames > atOutage+15 && lastStatus(bob) == protocol.LinkReconnecting
	})
	if _, ended := alice.endReason(); ended {
		t.Fatalf("alice's call ended in the outage: %v", alice.states())
	}

	srv = testsignal.StartOn(t, srv.Addr, server.Config{})
	eventually(t, "both online again", func() bool {
		return lastStatus(alice) == protocol.LinkOnline && lastStatus(bob) == protocol.LinkOnline
	})
	for deadline := time.Now().Add(30 * time.Second); !alice.hasUser("bob") || !bob.hasUser("alice"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not both listed: alice %q sees %v, bob %q sees %v", alice.eng.Name(), alice.users(), bob.eng.Name(), bob.users())
		}
	}
	if alice.eng.Name() != "alice" || bob.eng.Name() != "bob" {
		t.Errorf("names after the restart: %q and %q", alice.eng.Name(), bob.eng.Name())
	}
	afterRestart := alice.video.Report().RemoteFrames
	eventually(t, "pictures after the restart", func() bool { return alice.video.Report().RemoteFrames > afterRestart+15 })

	if err := alice.eng.HangUp(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "bob told of the hang-up", func() bool {
		r, _ := bob.endReason()
		return r == protocol.ReasonHangUp
	})
	t.Logf("frames at bob: %d at the outage, %d after; alice statuses %v", atOutage, bob.video.Report().RemoteFrames, alice.signalingStatuses())
}

// A call still ringing cannot finish negotiating without the server, so an
// outage ends it with a clear reason.
func TestOutageEndsCallNotYetConnected(t *testing.T) {
	srv := testsignal.Start(t, server.Config{})
	alice := newPeer(t, srv.URL(), peerOpts{name: "alice", camera: "none", mic: "none", session: true})
	bob := newPeer(t, srv.URL(), peerOpts{name: "bob", camera: "none", mic: "none", session: true})
	eventually(t, "alice sees bob", func() bool { return alice.hasUser("bob") })
	if err := alice.eng.Call("bob"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "ringing at bob", func() bool { return bob.reached(engine.Ringing) })
	srv.Stop()
	eventually(t, "both calls ended", func() bool {
		a, _ := alice.endReason()
		b, _ := bob.endReason()
		return a == engine.ReasonSignaling && b == engine.ReasonSignaling
	})
}
