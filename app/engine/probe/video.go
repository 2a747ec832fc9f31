package probe

import (
	"sort"
	"sync"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/stamp"
)

// Video is a frames.Sink that counts local and remote pictures and reads
// the stamp of each remote one.
type Video struct {
	mu sync.Mutex
	v  VideoReport
	// seqs holds the stamped sequence numbers seen per camera, to tell
	// decoded frames from frames sent.
	seqs      map[uint8]map[uint32]struct{}
	latencies []time.Duration
	tl        timeline
}

// VideoReport is a snapshot of what Video saw.
type VideoReport struct {
	LocalFrames   uint64 `json:"localFrames"`   // camera frames captured here
	RemoteFrames  uint64 `json:"remoteFrames"`  // pictures decoded from the peer
	StampedFrames uint64 `json:"stampedFrames"` // remote pictures with a readable stamp
	Width         int    `json:"width"`         // of the last remote picture
	Height        int    `json:"height"`
	// LastCamera is the stamp's camera id in the last stamped picture;
	// Cameras lists every id seen, in order of first appearance.
	LastCamera int   `json:"lastCamera"`
	Cameras    []int `json:"cameras"`
}

// WriteFrame implements frames.Sink.
func (p *Video) WriteFrame(s frames.Stream, f *frames.Frame) {
	now := time.Now()
	if s == frames.Local {
		p.mu.Lock()
		p.v.LocalFrames++
		p.mu.Unlock()
		return
	}
	code, ok := stamp.Decode(f.Y, f.Width, f.Height, f.Width)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.v.RemoteFrames++
	p.tl.add(now)
	p.v.Width, p.v.Height = f.Width, f.Height
	if !ok {
		return
	}
	p.v.StampedFrames++
	p.v.LastCamera = int(code.Camera)
	if p.seqs == nil {
		p.seqs = make(map[uint8]map[uint32]struct{})
	}
	if p.seqs[code.Camera] == nil {
		p.seqs[code.Camera] = make(map[uint32]struct{})
		p.v.Cameras = append(p.v.Cameras, int(code.Camera))
	}
	p.seqs[code.Camera][code.Seq] = struct{}{}
	p.latencies = append(p.latencies, now.Sub(code.Captured()))
}

// Report returns what was seen so far.
func (p *Video) Report() VideoReport {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.v
	r.Cameras = append([]int(nil), p.v.Cameras...)
	return r
}

// Delivery returns, for one camera, how many distinct stamped frames were
// decoded and how many the camera produced over the same span (from the
// first to the last sequence number seen). Their ratio is the share of sent
// frames that were decoded, measured end to end.
func (p *Video) Delivery(camera uint8) (decoded, sent int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	set := p.seqs[camera]
	if len(set) == 0 {
		return 0, 0
	}
	lo, hi := ^uint32(0), uint32(0)
	for s := range set {
		lo, hi = min(lo, s), max(hi, s)
	}
	return len(set), int(hi-lo) + 1
}

// Latency returns the p50 and p95 of capture-to-decode time (glass to
// glass, less the display) over the stamped frames, and how many there
// were. The stamp carries the sender's wall clock, so the figures are only
// meaningful with both ends on one machine (or synchronised clocks).
func (p *Video) Latency() (p50, p95 time.Duration, n int) {
	p.mu.Lock()
	l := append([]time.Duration(nil), p.latencies...)
	p.mu.Unlock()
	if len(l) == 0 {
		return 0, 0, 0
	}
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	return l[len(l)/2], l[len(l)*95/100], len(l)
}
