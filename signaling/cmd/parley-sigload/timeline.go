package main

import (
	"sync/atomic"
	"time"
)

// timeline counts relayed frames per 100 ms of arrival time: how many
// arrived, how many were over the 2 ms target, and the oldest one's age. A
// run's p99 alone cannot tell a steady delay from a backlog that builds
// and drains (a GC cycle, a burst of other work on the machine); the
// windows can, and their times line up with the server's GODEBUG=gctrace.
type timeline struct {
	start   time.Time
	windows []tlWindow
}

type tlWindow struct {
	frames, slow, maxAge atomic.Int64
}

const (
	timelineStep = 100 * time.Millisecond
	slowFrame    = 2 * time.Millisecond // the p99 target
)

// newTimeline covers span from start; later arrivals are not counted.
func newTimeline(start time.Time, span time.Duration) *timeline {
	return &timeline{start: start, windows: make([]tlWindow, span/timelineStep+1)}
}

// record counts a frame that arrived at now after age.
func (t *timeline) record(now time.Time, age time.Duration) {
	d := now.Sub(t.start)
	if d < 0 || int(d/timelineStep) >= len(t.windows) {
		return
	}
	i := int(d / timelineStep)
	w := &t.windows[i]
	w.frames.Add(1)
	if age > slowFrame {
		w.slow.Add(1)
	}
	for old := w.maxAge.Load(); int64(age) > old && !w.maxAge.CompareAndSwap(old, int64(age)); old = w.maxAge.Load() {
	}
}

// timelineWindow is one window in the report.
type timelineWindow struct {
	AtMS     int64 `json:"at_ms"` // the window's start, from the start of the relay phase
	Frames   int64 `json:"frames"`
	Over2ms  int64 `json:"over_2ms"`
	MaxAgeUS int64 `json:"max_age_us"`
}

// report returns the windows up to the last one with an arrival.
func (t *timeline) report() []timelineWindow {
	var out []timelineWindow
	last := -1
	for i := range t.windows {
		w := &t.windows[i]
		out = append(out, timelineWindow{
			AtMS:     (time.Duration(i) * timelineStep).Milliseconds(),
			Frames:   w.frames.Load(),
			Over2ms:  w.slow.Load(),
			MaxAgeUS: time.Duration(w.maxAge.Load()).Microseconds(),
		})
		if w.frames.Load() > 0 {
			last = i
		}
	}
	return out[:last+1]
}
