package probe

import "time"

// FreezeThreshold is the gap between two decoded pictures that counts as a
// freeze: at 15–30 fps frames come every 33–67 ms, and a viewer notices a
// stall at a few hundred milliseconds.
const FreezeThreshold = 250 * time.Millisecond

// Freeze is one stretch without decoded pictures, in wall-clock
// milliseconds since the Unix epoch (so that a test can line it up with
// what it did to the network at the time).
type Freeze struct {
	StartMs    int64 `json:"startMs"` // the last picture before the gap
	EndMs      int64 `json:"endMs"`   // the first picture after it
	DurationMs int64 `json:"durationMs"`
}

// timeline keeps the gaps between decoded pictures.
type timeline struct {
	first, last time.Time
	longest     time.Duration
	frozen      time.Duration
	freezes     []Freeze
}

func (tl *timeline) add(now time.Time) {
	if tl.first.IsZero() {
		tl.first, tl.last = now, now
		return
	}
	gap := now.Sub(tl.last)
	tl.longest = max(tl.longest, gap)
	if gap >= FreezeThreshold {
		tl.frozen += gap
		tl.freezes = append(tl.freezes, Freeze{StartMs: tl.last.UnixMilli(), EndMs: now.UnixMilli(), DurationMs: gap.Milliseconds()})
	}
	tl.last = now
}

// FreezeReport sums up the decoded-picture timeline.
type FreezeReport struct {
	FirstFrameMs int64    `json:"firstFrameMs"` // wall clock of the first remote picture, 0 if none
	LastFrameMs  int64    `json:"lastFrameMs"`
	LongestGapMs int64    `json:"longestGapMs"` // longest gap between two remote pictures
	FrozenMs     int64    `json:"frozenMs"`     // total of the gaps of FreezeThreshold or more
	Freezes      []Freeze `json:"freezes"`
}

// Freezes reports the gaps in the remote pictures seen so far.
func (p *Video) Freezes() FreezeReport {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := FreezeReport{
		LongestGapMs: p.tl.longest.Milliseconds(),
		FrozenMs:     p.tl.frozen.Milliseconds(),
		Freezes:      append([]Freeze(nil), p.tl.freezes...),
	}
	if !p.tl.first.IsZero() {
		r.FirstFrameMs, r.LastFrameMs = p.tl.first.UnixMilli(), p.tl.last.UnixMilli()
	}
	return r
}
