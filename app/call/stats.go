package call

import (
	"time"

	"github.com/pion/webrtc/v4"
)

// Stats is the network side of a call's health, from pion's GetStats and the
// congestion controller. Rates cover the interval since the previous Stats
// call. Decoding figures (frames per second, resolution, audio level) are
// not here: they come from the receive path, which the engine watches.
type Stats struct {
	At  time.Time
	RTT time.Duration // ICE round-trip time of the selected candidate pair

	// Loss is the fraction (0–1) of incoming RTP packets lost during the
	// interval, audio and video together.
	Loss float64
	// Jitter is the incoming video stream's interarrival jitter.
	Jitter time.Duration

	SendBitrate, ReceiveBitrate int // bits/s on the wire, all streams
	TargetBitrate               int // the congestion controller's estimate, bits/s

	VideoPacketsReceived, AudioPacketsReceived uint32
	VideoPacketsLost, AudioPacketsLost         int32

	// PeerReportsVideo and PeerReportsAudio say that the peer's receiver
	// reports acknowledge our video and audio: proof from the far side
	// that what we send arrives.
	PeerReportsVideo, PeerReportsAudio bool
}

// statsCursor keeps the previous counters so that Stats can report rates.
type statsCursor struct {
	at                time.Time
	sent, received    uint64
	packets, lost     int64
	haveFirstSnapshot bool
}

// Stats returns a snapshot. Call it about once a second: rates are averaged
// over the time since the previous call.
func (c *Call) Stats() Stats {
	now := time.Now()
	s := Stats{At: now}
	ice := c.pc.SCTP().Transport().ICETransport()
	wire := ice.Stats()
	if pair, ok := ice.GetSelectedCandidatePairStats(); ok {
		s.RTT = seconds(pair.CurrentRoundTripTime)
	}
	c.receiverStats(&s)
	c.senderStats(&s)
	if c.bwe != nil {
		s.TargetBitrate = c.bwe.GetTargetBitrate()
	}

	packets := int64(s.VideoPacketsReceived) + int64(s.AudioPacketsReceived)
	lost := int64(s.VideoPacketsLost) + int64(s.AudioPacketsLost)
	c.statsMu.Lock()
	defer c.statsMu.Unlock()
	prev := c.cursor
	if prev.haveFirstSnapshot {
		if dt := now.Sub(prev.at).Seconds(); dt > 0 {
			s.SendBitrate = int(float64(wire.BytesSent-min(wire.BytesSent, prev.sent)) * 8 / dt)
			s.ReceiveBitrate = int(float64(wire.BytesReceived-min(wire.BytesReceived, prev.received)) * 8 / dt)
		}
		dp, dl := packets-prev.packets, lost-prev.lost
		if dp+dl > 0 && dl > 0 {
			s.Loss = float64(dl) / float64(dp+dl)
		}
	}
	c.cursor = statsCursor{at: now, sent: wire.BytesSent, received: wire.BytesReceived,
		packets: packets, lost: lost, haveFirstSnapshot: true}
	return s
}

// receiverStats adds the counters of the streams we receive.
func (c *Call) receiverStats(s *Stats) {
	if c.rtp == nil {
		return
	}
	for _, r := range c.pc.GetReceivers() {
		for _, t := range r.Tracks() {
			st := c.rtp.Get(uint32(t.SSRC()))
			if st == nil {
				continue
			}
			in := st.InboundRTPStreamStats
			switch t.Kind() {
			case webrtc.RTPCodecTypeVideo:
				s.VideoPacketsReceived += uint32(in.PacketsReceived)
				s.VideoPacketsLost += int32(in.PacketsLost)
				s.Jitter = seconds(in.Jitter)
			case webrtc.RTPCodecTypeAudio:
				s.AudioPacketsReceived += uint32(in.PacketsReceived)
				s.AudioPacketsLost += int32(in.PacketsLost)
			}
		}
	}
}

// senderStats adds what the peer's receiver reports say about our streams.
func (c *Call) senderStats(s *Stats) {
	if c.rtp == nil {
		return
	}
	c.neg.Lock()
	senders := []*webrtc.RTPSender{c.videoSender, c.audioSender}
	c.neg.Unlock()
	for i, snd := range senders {
		if snd == nil {
			continue
		}
		for _, enc := range snd.GetParameters().Encodings {
			st := c.rtp.Get(uint32(enc.SSRC))
			if st == nil {
				continue
			}
			ri := st.RemoteInboundRTPStreamStats
			// The ICE RTT is the better figure; receiver reports carry
			// one too, for when ICE has not measured one yet.
			if s.RTT == 0 && ri.RoundTripTime > 0 {
				s.RTT = ri.RoundTripTime
			}
			reported := ri.RoundTripTimeMeasurements > 0 || ri.PacketsReceived > 0
			if i == 0 {
				s.PeerReportsVideo = s.PeerReportsVideo || reported
			} else {
				s.PeerReportsAudio = s.PeerReportsAudio || reported
			}
		}
	}
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
