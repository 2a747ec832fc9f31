package party

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/internal/testsignal"
	"github.com/parleyhq/parley/signaling/server"
)

// TestCallBetweenParties runs two parties through a real signaling server
// on loopback and checks what the benchmark relies on: the call time, the
// first and full-width remote pictures, and stamp latencies.
func TestCallBetweenParties(t *testing.T) {
	url := testsignal.Start(t, server.Config{MaxConnsPerIP: -1}).URL()

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	a, err := Start(ctx, Config{Server: url, Name: "a", Camera: testmedia.CameraA, Width: 320, Height: 240})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Start(ctx, Config{Server: url, Name: "b", Camera: testmedia.CameraB, Width: 320, Height: 240, AutoAnswer: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	at, err := a.Call(ctx, b.Name())
	if err != nil {
		t.Fatal(err)
	}
	first, err := a.WaitFirstFrame(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !first.After(at) {
		t.Fatalf("first picture at %v, not after the call at %v", first, at)
	}
	// Poll until some stamped pictures have arrived.
	var r Report
	for r = a.Report(first); len(r.LatenciesMS) < 10 && ctx.Err() == nil; r = a.Report(first) {
		time.Sleep(50 * time.Millisecond)
	}
	if len(r.LatenciesMS) < 10 {
		t.Fatalf("only %d stamped pictures: %+v", len(r.LatenciesMS), r)
	}
	if r.CallAt != at || r.FirstFrameAt != first || r.Width != 320 || r.FullResAt.IsZero() {
		t.Fatalf("report %+v (call %v, first %v)", r, at, first)
	}
	for _, l := range r.LatenciesMS {
		if l < 0 || l > 10000 {
			t.Fatalf("implausible latency %v ms", l)
		}
	}
	if late := a.Report(time.Now().Add(time.Hour)); len(late.LatenciesMS) != 0 {
		t.Fatal("Report kept pictures from before its start time")
	}
}
