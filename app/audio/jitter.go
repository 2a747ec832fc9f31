package audio

import (
	"slices"
	"time"
)

// Adaptive playout bounds. The target never drops below minTarget: one
// 20 ms packet plus the device's own period. It never exceeds maxTarget,
// where a conversation starts to feel like a walkie-talkie.
const (
	minTarget    = 30 * time.Millisecond
	maxTarget    = 200 * time.Millisecond
	targetMargin = 10 * time.Millisecond
	// jitterWindow is how much arrival history sets the target: two
	// seconds of 20 ms packets. A calm network brings the target down
	// once the late arrivals have left it.
	jitterWindow = 100
	// burstWindow is the recent history that raises the target at once:
	// a burst of late packets should not wait for the 95th percentile.
	burstWindow = 10
	// resetGap is a pause in arrivals (the peer muted, a renegotiation)
	// after which the history starts afresh.
	resetGap = time.Second
)

// jitter estimates the playout delay that arrival jitter needs, after
// Chromium's NetEq: each write's lateness against the audio clock (when it
// arrived, minus how much audio came before it), and the target is how far
// the late ones lag the earliest: the 95th percentile over the window, or
// the latest burst's worst if that is higher, plus a margin.
type jitter struct {
	start time.Time     // arrival of the first write of this history
	media time.Duration // audio written since start; with arriveAt, the first packet's media time
	// lastMedia is the latest packet's media time (arriveAt).
	lastMedia time.Duration
	last      time.Time
	lates     []time.Duration // ring of recent lateness, newest at next-1
	next      int
	n         int
}

func newJitter() *jitter { return &jitter{lates: make([]time.Duration, jitterWindow)} }

// arrive records a write of d audio at now.
func (j *jitter) arrive(now time.Time, d time.Duration) {
	if j.n == 0 || now.Sub(j.last) > resetGap {
		j.start, j.media, j.next, j.n = now, 0, 0, 0
	}
	j.last = now
	j.lates[j.next] = now.Sub(j.start) - j.media
	j.next = (j.next + 1) % len(j.lates)
	j.n = min(j.n+1, len(j.lates))
	j.media += d
}

// arriveAt records a packet whose audio starts at media (stream time)
// arriving at now. A jump in media time of more than resetGap either way
// (a new stream, a sender that restarted its clock) starts afresh, as a
// pause in arrivals does.
func (j *jitter) arriveAt(now time.Time, media time.Duration) {
	if j.n == 0 || now.Sub(j.last) > resetGap || media-j.lastMedia > resetGap || j.lastMedia-media > resetGap {
		j.start, j.media, j.next, j.n = now, media, 0, 0
	}
	j.last, j.lastMedia = now, media
	j.lates[j.next] = now.Sub(j.start) - (media - j.media)
	j.next = (j.next + 1) % len(j.lates)
	j.n = min(j.n+1, len(j.lates))
}

// target is the playout delay the recent arrivals need.
func (j *jitter) target() time.Duration {
	if j.n < 2 {
		return minTarget
	}
	window := slices.Clone(j.lates[:j.n]) // the ring fills from 0
	slices.Sort(window)
	lo := window[0]
	spread := window[len(window)*95/100] - lo
	for k := 1; k <= min(burstWindow, j.n); k++ {
		i := (j.next - k + len(j.lates)) % len(j.lates)
		spread = max(spread, j.lates[i]-lo)
	}
	return min(max(spread+targetMargin, minTarget), maxTarget)
}
