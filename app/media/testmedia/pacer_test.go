package testmedia

import (
	"context"
	"testing"
	"time"
)

// After a reader stalls, the pacer does not pay the missed periods back
// in a burst: with no slack, reads after the stall are still a whole
// period apart (timers never fire early, so this holds on a loaded machine).
func TestPacerDoesNotBurstAfterAStall(t *testing.T) {
	const period = 10 * time.Millisecond
	p := newPacer(context.Background(), period, 0)
	if _, ok := p.wait(); !ok {
		t.Fatal("wait failed")
	}
	time.Sleep(10 * period)
	last, _ := p.wait()
	for range 3 {
		now, ok := p.wait()
		if !ok {
			t.Fatal("wait failed")
		}
		if gap := now.Sub(last); gap < period {
			t.Fatalf("reads %v apart after a stall, want at least %v", gap, period)
		}
		last = now
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
