package call

import (
	"errors"
	"strings"
	"testing"

	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/signaling/protocol"
)

// An ICE restart mid-call renegotiates fresh ICE credentials and media
// keeps flowing over the new session.
func TestRestartICE(t *testing.T) {
	sel := testSelector(t)
	a := newSide(t, newVideoTrack(t, sel, "a-cam", 60), nil, sel)
	b := newSide(t, newVideoTrack(t, sel, "b-cam", 180), nil, sel)
	placeCall(t, a, b)
	waitFor(t, "media", func() bool { return a.video.Load() > 20 && b.video.Load() > 20 })
	ufrag := iceUfrag(a.call.PeerConnection().CurrentLocalDescription().SDP)

	// A restart whose answer is lost is replaced by the next one.
	b.lost.Store(1)
	if err := a.call.RestartICE(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the lost offer sent", func() bool { return b.dropped.Load() > 0 })

	// An offer crossing ours is refused, and ours stands (pion cannot roll
	// a local offer back).
	other, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo); err != nil {
		t.Fatal(err)
	}
	crossing, err := other.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	var callErr *Error
	if err := a.call.Answer(&protocol.SessionDescription{Type: "offer", SDP: crossing.SDP}); !errors.As(err, &callErr) || callErr.Code != ErrState {
		t.Errorf("a crossing offer: %v, want %s", err, ErrState)
	}
	if st := a.call.PeerConnection().SignalingState(); st != webrtc.SignalingStateHaveLocalOffer {
		t.Errorf("after the crossing offer: %s, want our offer still waiting", st)
	}
	b.lost.Store(0)

	// Twice: the second restart must work from the state the first left.
	for range 2 {
		if err := a.call.RestartICE(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the restart answered", func() bool {
			d := a.call.PeerConnection().CurrentLocalDescription()
			return d != nil && iceUfrag(d.SDP) != ufrag && a.call.PeerConnection().CurrentRemoteDescription() != nil
		})
		ufrag = iceUfrag(a.call.PeerConnection().CurrentLocalDescription().SDP)
		atA, atB := a.video.Load(), b.video.Load()
		waitFor(t, "media after the restart", func() bool { return a.video.Load() > atA+20 && b.video.Load() > atB+20 })
	}
}

func iceUfrag(sdp string) string {
	for _, line := range strings.Split(sdp, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "a=ice-ufrag:"); ok {
			return v
		}
	}
	return ""
}
