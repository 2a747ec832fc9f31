package receive

import (
	"sync"
	"time"
)

// VideoStats is a snapshot of a video receiver's counters.
type VideoStats struct {
	PacketsReceived uint64 // RTP packets read from the track
	PacketsBad      uint64 // reads that failed without ending the track
	PacketsLate     uint64 // duplicates, and packets for frames already passed on or given up
	PacketsDropped  uint64 // packets given up: lost, or part of a frame that could not be completed
	FramesReceived  uint64 // complete frames rebuilt from packets
	FramesSkipped   uint64 // frames dropped while waiting for a keyframe
	FramesDecoded   uint64 // pictures written to the sink
	DecodeErrors    uint64 // frames the decoder rejected
	// KeyFramesRequested counts PLIs sent (at start, after loss, after errors).
	KeyFramesRequested uint64
	Width, Height      int       // size of the last decoded picture
	LastFrame          time.Time // when the last picture was decoded; zero before the first
}

// videoCounters is VideoStats behind a mutex: the receiver writes it for
// every packet, the engine reads it once a second from another goroutine.
type videoCounters struct {
	mu sync.Mutex
	s  VideoStats
}

func (c *videoCounters) snapshot() VideoStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s
}

func (c *videoCounters) packet() {
	c.mu.Lock()
	c.s.PacketsReceived++
	c.mu.Unlock()
}

func (c *videoCounters) badPacket() {
	c.mu.Lock()
	c.s.PacketsBad++
	c.mu.Unlock()
}

func (c *videoCounters) latePacket() {
	c.mu.Lock()
	c.s.PacketsLate++
	c.mu.Unlock()
}

func (c *videoCounters) frame(dropped uint16) {
	c.mu.Lock()
	c.s.FramesReceived++
	c.s.PacketsDropped += uint64(dropped)
	c.mu.Unlock()
}

func (c *videoCounters) skipped() {
	c.mu.Lock()
	c.s.FramesSkipped++
	c.mu.Unlock()
}

func (c *videoCounters) decodeError() {
	c.mu.Lock()
	c.s.DecodeErrors++
	c.mu.Unlock()
}

func (c *videoCounters) keyRequested() {
	c.mu.Lock()
	c.s.KeyFramesRequested++
	c.mu.Unlock()
}

func (c *videoCounters) decoded(w, h int, at time.Time) {
	c.mu.Lock()
	c.s.FramesDecoded++
	c.s.Width, c.s.Height = w, h
	c.s.LastFrame = at
	c.mu.Unlock()
}
