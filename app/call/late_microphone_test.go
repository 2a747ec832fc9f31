package call

import (
	"testing"
)

// A call placed without a microphone can switch one in mid-call, on either
// side, without renegotiating. (A camera comes in as its video track's new
// source: app/engine's TestCameraSwitchWithoutRenegotiation.)
func TestMicrophoneJoinsCallStartedWithout(t *testing.T) {
	sel := testSelector(t)
	micA, micB := newAudioTrack(t, sel, "a-mic"), newAudioTrack(t, sel, "b-mic")
	a := newSide(t, nil, nil, sel) // the caller, no microphone
	b := newSide(t, nil, nil, sel) // the callee, no microphone
	placeCall(t, a, b)
	<-a.connected
	<-b.connected
	// Counted, not compared as SDP text: the description grows as late
	// candidates are gathered, without any renegotiation.
	offers := a.offers.Load() + b.offers.Load()

	if err := a.call.SetAudio(micA); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the caller's late microphone at the callee", func() bool { return b.audio.Load() > 20 })
	if err := b.call.SetAudio(micB); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the callee's late microphone at the caller", func() bool { return a.audio.Load() > 20 })
	if n := a.offers.Load() + b.offers.Load() - offers; n != 0 {
		t.Errorf("switching a microphone in renegotiated (%d offers)", n)
	}
}
