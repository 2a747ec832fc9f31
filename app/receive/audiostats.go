package receive

import (
	"sync"
	"time"
)

// AudioStats is a snapshot of an audio receiver's counters.
type AudioStats struct {
	PacketsReceived  uint64 // RTP packets read from the track
	PacketsBad       uint64 // reads that failed without ending the track
	PacketsLate      uint64 // arrived after their turn was given up, or twice
	PacketsLost      uint64 // never arrived in time
	PacketsRecovered uint64 // lost packets rebuilt from the next packet: its redundant copy (RED) or in-band FEC
	PacketsConcealed uint64 // lost or undecodable packets replaced by libopus's concealment
	PacketsDecoded   uint64
	DecodeErrors     uint64
	OutputErrors     uint64    // Writes the Output refused (speaker gone)
	Level            float64   // RMS of the last 100 ms, 0..1
	LastPacket       time.Time // zero before the first
}

type audioCounters struct {
	mu sync.Mutex
	s  AudioStats
}

func (c *audioCounters) update(fn func(s *AudioStats)) {
	c.mu.Lock()
	fn(&c.s)
	c.mu.Unlock()
}

func (c *audioCounters) snapshot() AudioStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s
}
