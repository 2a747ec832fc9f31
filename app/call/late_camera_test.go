package call

import (
	"context"
	"sync"
	"testing"
)

// A call placed without a camera can switch one in mid-call, on either
// side, without renegotiating.
func TestCameraJoinsCallStartedWithout(t *testing.T) {
	sel := testSelector(t)
	camA, camB := newVideoTrack(t, sel, "a-cam", 60), newVideoTrack(t, sel, "b-cam", 180)
	defer camA.Close()
	defer camB.Close()
	a := newSide(t, nil, nil, sel) // the caller, no camera
	b := newSide(t, nil, nil, sel) // the callee, no camera
	defer a.call.Close()
	defer b.call.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wire(ctx, t, a, b, &wg)
	if err := a.call.Offer(); err != nil {
		t.Fatal(err)
	}
	<-a.connected
	<-b.connected
	// Counted, not compared as SDP text: the description grows as late
	// candidates are gathered, without any renegotiation.
	offers := a.offers.Load() + b.offers.Load()

	if err := a.call.SetVideo(camA); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the caller's late camera at the callee", func() bool { return b.video.Load() > 20 })
	if err := b.call.SetVideo(camB); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the callee's late camera at the caller", func() bool { return a.video.Load() > 20 })
	if n := a.offers.Load() + b.offers.Load() - offers; n != 0 {
		t.Errorf("switching a camera in renegotiated (%d offers)", n)
	}
}
