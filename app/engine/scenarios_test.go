package engine_test

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/media/opus"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/client"
	"github.com/parleyhq/parley/signaling/protocol"
)

// connectCall has alice call bob and waits until both are in the call and
// pictures arrive.
func connectCall(t *testing.T, alice, bob *peer) {
	t.Helper()
	eventually(t, "alice sees bob", func() bool { return alice.hasUser("bob") })
	if err := alice.eng.Call("bob"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both in call", func() bool { return alice.reached(engine.InCall) && bob.reached(engine.InCall) })
}

func TestCallerHangsUpAndGoroutinesReturn(t *testing.T) {
	url := startServer(t)
	alice := newPeer(t, url, peerOpts{name: "alice", camera: testmedia.CameraA, mic: testmedia.Tone})
	bob := newPeer(t, url, peerOpts{name: "bob", camera: testmedia.CameraB, mic: "none", autoAnswer: true})
	eventually(t, "alice sees bob", func() bool { return alice.hasUser("bob") })
	// Both engines run with their devices open; everything a call starts
	// must be gone once it ends.
	time.Sleep(200 * time.Millisecond)
	baseline := runtime.NumGoroutine()

	connectCall(t, alice, bob)
	eventually(t, "pictures", func() bool { return bob.video.Report().RemoteFrames > 10 })
	eventually(t, "libopus coders in use", func() bool {
		enc, dec := opus.Live()
		return enc >= 1 && dec >= 1
	})
	if err := alice.eng.HangUp(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both ended", func() bool {
		_, a := alice.endReason()
		_, b := bob.endReason()
		return a && b
	})
	if r, _ := bob.endReason(); r != protocol.ReasonHangUp {
		t.Errorf("bob's end reason %q, want %q", r, protocol.ReasonHangUp)
	}
	if r, _ := alice.endReason(); r != engine.ReasonLocalHangUp {
		t.Errorf("alice's end reason %q, want %q", r, engine.ReasonLocalHangUp)
	}
	testwait.Goroutines(t, baseline, 20*time.Second)
	// Nor any libopus state: alice's encoder went with the call's sender,
	// bob's decoder with the call's receiver.
	eventually(t, "libopus coders freed", func() bool {
		enc, dec := opus.Live()
		return enc == 0 && dec == 0
	})

	// The engines are ready for the next call.
	if err := bob.eng.Call("alice"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "ringing at alice", func() bool { return alice.states()[len(alice.states())-1].State == engine.Ringing })
	if err := alice.eng.Decline(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "bob told of the decline", func() bool {
		r, _ := bob.endReason()
		return r == protocol.ReasonDeclined
	})
}

func TestPeerDisappearsMidCall(t *testing.T) {
	url := startServer(t)
	alice := newPeer(t, url, peerOpts{name: "alice", camera: testmedia.CameraA, mic: testmedia.Tone})
	bob := newPeer(t, url, peerOpts{name: "bob", camera: testmedia.CameraB, mic: "none", autoAnswer: true})
	connectCall(t, alice, bob)
	// Bob's connection drops without a hang-up, and with a plain client
	// his engine ends the call: alice's call ends too, through the
	// PeerConnection closing (the server's "disconnected" hang-up alone no
	// longer ends a call whose media still flows).
	_ = bob.client.Close()
	eventually(t, "alice's call ended", func() bool { _, ok := alice.endReason(); return ok })
	if r, _ := alice.endReason(); r != engine.ReasonClosed && r != engine.ReasonPeerGone && r != protocol.ReasonDisconnected {
		t.Errorf("alice's end reason %q, want closed, peer-gone or disconnected", r)
	}
	eventually(t, "bob's call ended", func() bool { _, ok := bob.endReason(); return ok })
}

func TestSecondCallerGetsBusy(t *testing.T) {
	url := startServer(t)
	alice := newPeer(t, url, peerOpts{name: "alice", camera: testmedia.CameraA, mic: testmedia.Tone})
	bob := newPeer(t, url, peerOpts{name: "bob", camera: testmedia.CameraB, mic: "none", autoAnswer: true})
	connectCall(t, alice, bob)

	carol := dialRaw(t, url, "carol")
	sendRaw(t, carol, &protocol.Message{Type: protocol.TypeVideoOffer, Target: "bob", SDP: &protocol.SessionDescription{Type: "offer", SDP: "v=0\r\n"}})
	m := expect(t, carol, protocol.TypeHangUp)
	if m.Reason != protocol.ReasonBusy || m.Name != "bob" {
		t.Fatalf("carol got %+v, want hang-up busy from bob", m)
	}
	if slices.ContainsFunc(bob.states(), func(s engine.StateChanged) bool { return s.State == engine.Ended }) {
		t.Fatal("bob's call ended because of carol")
	}
}

func TestBadInputLeavesEngineUsable(t *testing.T) {
	url := startServer(t)
	alice := newPeer(t, url, peerOpts{name: "alice", camera: testmedia.CameraA, mic: testmedia.Tone, autoAnswer: true})
	mallory := dialRaw(t, url, "mallory")

	sendRaw(t, mallory, &protocol.Message{Type: protocol.TypeVideoOffer, Target: "alice",
		SDP: &protocol.SessionDescription{Type: "offer", SDP: "this is not SDP"}})
	if m := expect(t, mallory, protocol.TypeHangUp); m.Reason != protocol.ReasonFailed {
		t.Errorf("mallory got %+v, want hang-up failed", m)
	}
	// Trickle from the refused caller is expected and dropped quietly;
	// from someone who never called, it is reported.
	mid := "0"
	cand := &protocol.ICECandidate{Candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", SDPMid: &mid}
	sendRaw(t, mallory, &protocol.Message{Type: protocol.TypeNewICECandidate, Target: "alice", Candidate: cand})
	eve := dialRaw(t, url, "eve")
	sendRaw(t, eve, &protocol.Message{Type: protocol.TypeNewICECandidate, Target: "alice", Candidate: cand})
	sendRaw(t, eve, &protocol.Message{Type: protocol.TypeVideoAnswer, Target: "alice",
		SDP: &protocol.SessionDescription{Type: "answer", SDP: "v=0\r\n"}})
	eventually(t, "three error events", func() bool { return len(alice.errors()) >= 3 })
	want := []engine.ErrorCode{engine.ErrBadRemote, engine.ErrUnknownCall, engine.ErrUnknownCall}
	time.Sleep(200 * time.Millisecond) // a fourth, wrong, error would show now
	if got := alice.errorCodes(); !slices.Equal(got, want) {
		t.Errorf("error codes %v, want %v", got, want)
	}
	if alice.reached(engine.Ringing) {
		t.Error("a malformed offer rang")
	}

	bob := newPeer(t, url, peerOpts{name: "bob", camera: testmedia.CameraB, mic: "none"})
	eventually(t, "bob sees alice", func() bool { return bob.hasUser("alice") })
	if err := bob.eng.Call("alice"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "pictures after bad input", func() bool { return alice.video.Report().RemoteFrames > 10 })
}

func TestCameraSwitchWithoutRenegotiation(t *testing.T) {
	url := startServer(t)
	alice := newPeer(t, url, peerOpts{name: "alice", camera: testmedia.CameraA, mic: testmedia.Tone})
	bob := newPeer(t, url, peerOpts{name: "bob", camera: "none", mic: "none", autoAnswer: true})
	connectCall(t, alice, bob)
	eventually(t, "camera A at bob", func() bool { return bob.video.Report().LastCamera == testmedia.CameraAID })
	if err := alice.eng.SwitchCamera(testmedia.CameraB); err != nil {
		t.Fatal(err)
	}
	eventually(t, "camera B at bob", func() bool { return bob.video.Report().LastCamera == testmedia.CameraBID })
	if n := alice.sig.offers.Load(); n != 1 {
		t.Errorf("alice sent %d offers; a switch must not renegotiate", n)
	}
	if got := bob.video.Report().Cameras; !slices.Equal(got, []int{testmedia.CameraAID, testmedia.CameraBID}) {
		t.Errorf("cameras seen %v", got)
	}

	// Camera off stops the pictures; on brings them back.
	if err := alice.eng.SetCameraOn(false); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // frames in flight
	before := bob.video.Report().RemoteFrames
	time.Sleep(time.Second)
	if after := bob.video.Report().RemoteFrames; after != before {
		t.Errorf("%d pictures arrived with the camera off", after-before)
	}
	if err := alice.eng.SetCameraOn(true); err != nil {
		t.Fatal(err)
	}
	eventually(t, "pictures again", func() bool { return bob.video.Report().RemoteFrames > before+10 })

	// Bob, who answered without a camera, turns one on mid-call (camera A,
	// which alice closed): still no renegotiation.
	if err := bob.eng.SwitchCamera(testmedia.CameraA); err != nil {
		t.Fatal(err)
	}
	eventually(t, "bob's late camera at alice", func() bool { return alice.video.Report().LastCamera == testmedia.CameraAID })
	if n := alice.sig.offers.Load() + bob.sig.offers.Load(); n != 1 {
		t.Errorf("%d offers in all; turning a camera on must not renegotiate", n)
	}
}

// dialRaw connects a bare signaling client, for sending what an engine
// never would.
func dialRaw(t *testing.T, url, name string) *client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, client.Config{URL: url, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func sendRaw(t *testing.T, c *client.Client, m *protocol.Message) {
	t.Helper()
	if err := c.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
}

// expect returns the next message of type typ that c receives.
func expect(t *testing.T, c *client.Client, typ string) *protocol.Message {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case m, ok := <-c.Messages():
			if !ok {
				t.Fatalf("connection closed waiting for %s", typ)
			}
			if m.Type == typ {
				return m
			}
		case <-timeout:
			t.Fatalf("no %s arrived", typ)
		}
	}
}

func TestGlareEndsInOneCall(t *testing.T) {
	url := startServer(t)
	var log lockedLog
	alice := newPeer(t, url, peerOpts{name: "alice", camera: testmedia.CameraA, mic: testmedia.Tone, log: &log})
	bob := newPeer(t, url, peerOpts{name: "bob", camera: testmedia.CameraB, mic: "none", log: &log})
	eventually(t, "both online", func() bool { return alice.hasUser("bob") && bob.hasUser("alice") })
	// Both call at once; neither auto-answers, so only the glare rule can
	// make a call of it.
	errs := make(chan error, 2)
	go func() { errs <- alice.eng.Call("bob") }()
	go func() { errs <- bob.eng.Call("alice") }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("alice: %v %v", alice.states(), alice.errors())
			t.Logf("bob: %v %v", bob.states(), bob.errors())
			t.Logf("signaling:\n%s", log.String())
		}
	})
	eventually(t, "one call", func() bool { return alice.reached(engine.InCall) && bob.reached(engine.InCall) })
	eventually(t, "pictures both ways", func() bool {
		return alice.video.Report().RemoteFrames > 10 && bob.video.Report().RemoteFrames > 10
	})
	if _, ended := alice.endReason(); ended {
		t.Errorf("alice's call ended: %v", alice.states())
	}
}

func TestUnansweredCallTimesOut(t *testing.T) {
	url := startServer(t)
	alice := newPeer(t, url, peerOpts{name: "alice", camera: testmedia.CameraA, mic: testmedia.Tone, answerTimeout: time.Second})
	bob := newPeer(t, url, peerOpts{name: "bob", camera: "none", mic: "none"})
	eventually(t, "alice sees bob", func() bool { return alice.hasUser("bob") })
	if err := alice.eng.Call("bob"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "bob rings", func() bool { return bob.reached(engine.Ringing) })
	eventually(t, "both ended", func() bool {
		_, a := alice.endReason()
		_, b := bob.endReason()
		return a && b
	})
	if r, _ := alice.endReason(); r != engine.ReasonNoAnswer {
		t.Errorf("alice's end reason %q", r)
	}
	if r, _ := bob.endReason(); r != engine.ReasonNoAnswer {
		t.Errorf("bob's end reason %q, want the caller's no-answer", r)
	}
}

func TestCameraOffBeforeTheCallSendsNoPictures(t *testing.T) {
	url := startServer(t)
	alice := newPeer(t, url, peerOpts{name: "alice", camera: testmedia.CameraA, mic: testmedia.Tone})
	bob := newPeer(t, url, peerOpts{name: "bob", camera: "none", mic: "none", autoAnswer: true})
	if err := alice.eng.SetCameraOn(false); err != nil {
		t.Fatal(err)
	}
	if err := alice.eng.SetMuted(true); err != nil {
		t.Fatal(err)
	}
	connectCall(t, alice, bob)
	time.Sleep(2 * time.Second)
	if n := bob.video.Report().RemoteFrames; n != 0 {
		t.Errorf("bob decoded %d pictures from a camera that was off", n)
	}
	if st, ok := bob.eng.Stats(); ok && st.AudioPacketsDecoded != 0 {
		t.Errorf("bob decoded %d audio packets from a muted microphone", st.AudioPacketsDecoded)
	}
	if err := alice.eng.SetCameraOn(true); err != nil {
		t.Fatal(err)
	}
	if err := alice.eng.SetMuted(false); err != nil {
		t.Fatal(err)
	}
	eventually(t, "pictures and sound", func() bool {
		st, ok := bob.eng.Stats()
		return bob.video.Report().RemoteFrames > 10 && ok && st.AudioPacketsDecoded > 10
	})
}
