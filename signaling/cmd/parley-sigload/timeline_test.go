package main

import (
	"testing"
	"time"
)

func TestTimelineWindows(t *testing.T) {
	start := time.Unix(1000, 0)
	tl := newTimeline(start, time.Second)
	tl.record(start.Add(10*time.Millisecond), time.Millisecond)
	tl.record(start.Add(20*time.Millisecond), 3*time.Millisecond)
	tl.record(start.Add(250*time.Millisecond), 40*time.Millisecond)
	tl.record(start.Add(-time.Millisecond), time.Hour) // before the phase
	tl.record(start.Add(2*time.Second), time.Hour)     // after the span
	got := tl.report()
	want := []timelineWindow{
		{AtMS: 0, Frames: 2, Over2ms: 1, MaxAgeUS: 3000},
		{AtMS: 100},
		{AtMS: 200, Frames: 1, Over2ms: 1, MaxAgeUS: 40000},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d windows %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("window %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
