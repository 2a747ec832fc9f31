package engine_test

import (
	"testing"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/media/testmedia"
)

// Two engines in one process share mediadevices' driver manager, and the
// test tone is one device, so only alice has a microphone here; the
// headless tests run a second process for audio both ways.
func TestCallBetweenTwoEngines(t *testing.T) {
	url := startServer(t)
	alice := newPeer(t, url, peerOpts{name: "alice", camera: testmedia.CameraA, mic: testmedia.Tone})
	bob := newPeer(t, url, peerOpts{name: "bob", camera: testmedia.CameraB, mic: "none", autoAnswer: true})
	eventually(t, "alice sees bob", func() bool { return alice.hasUser("bob") })

	if err := alice.eng.Call("bob"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both in call", func() bool { return alice.reached(engine.InCall) && bob.reached(engine.InCall) })
	eventually(t, "45 frames each way", func() bool {
		return alice.video.Report().StampedFrames >= 45 && bob.video.Report().StampedFrames >= 45
	})
	for _, c := range []struct {
		who    *peer
		camera uint8
	}{{alice, testmedia.CameraBID}, {bob, testmedia.CameraAID}} {
		decoded, sent := c.who.video.Delivery(c.camera)
		if decoded*10 < sent*9 {
			t.Errorf("decoded %d of %d frames sent", decoded, sent)
		}
		r := c.who.video.Report()
		if r.Width != testWidth || r.Height != testHeight {
			t.Errorf("decoded at %dx%d, want %dx%d", r.Width, r.Height, testWidth, testHeight)
		}
	}
	st, ok := alice.eng.Stats()
	if !ok || st.FramesDecoded == 0 || st.ReceiveBitrate == 0 {
		t.Errorf("stats: %+v ok=%v", st, ok)
	}

	if err := bob.eng.HangUp(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both ended", func() bool {
		_, a := alice.endReason()
		_, b := bob.endReason()
		return a && b
	})
	if r, _ := alice.endReason(); r != "hang-up" {
		t.Errorf("alice's end reason %q, want hang-up", r)
	}
	t.Logf("alice errors: %v; bob errors: %v", alice.errors(), bob.errors())
}
