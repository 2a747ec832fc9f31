package testmedia

import (
	"context"
	"testing"
	"time"
)

// After a reader stalls, the pacer does not pay the missed periods back
// in a burst: with no slack, the k-th read after the stall is released no
// sooner than k periods after the reader came back. Timers never fire
// early, so this holds on a loaded machine too; two reads may still be
// closer than a period when the first of them was late, which is the pacer
// keeping to its schedule, not a burst.
func TestPacerDoesNotBurstAfterAStall(t *testing.T) {
	const period = 10 * time.Millisecond
	p := newPacer(context.Background(), period, 0)
	if _, ok := p.wait(); !ok {
		t.Fatal("wait failed")
	}
	time.Sleep(10 * period)
	back, _ := p.wait()
	for k := 1; k <= 3; k++ {
		now, ok := p.wait()
		if !ok {
			t.Fatal("wait failed")
		}
		if want := back.Add(time.Duration(k) * period); now.Before(want) {
			t.Fatalf("read %d after the stall came %v after the return, want at least %v", k, now.Sub(back), time.Duration(k)*period)
		}
	}
}

func TestPacerStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := newPacer(ctx, time.Hour, 0)
	p.wait() // the first period starts at once
	go cancel()
	if _, ok := p.wait(); ok {
		t.Fatal("wait returned a period after its context ended")
	}
	if _, ok := p.wait(); ok {
		t.Fatal("wait after the end returned a period")
	}
}
