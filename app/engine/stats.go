package engine

import (
	"github.com/parleyhq/parley/app/audio"
	"time"

	"github.com/parleyhq/parley/app/receive"
)

// Stats is the once-a-second picture of a call's health that the UI shows
// and the headless peer writes out. Durations are in milliseconds and rates
// in bits per second, so the JSON needs no conversion in the web view.
type Stats struct {
	Peer string `json:"peer"`

	RTTMillis    float64 `json:"rttMs"`
	Loss         float64 `json:"loss"` // fraction of incoming packets lost in the last second
	JitterMillis float64 `json:"jitterMs"`

	SendBitrate    int `json:"sendBitrate"`
	ReceiveBitrate int `json:"receiveBitrate"`
	TargetBitrate  int `json:"targetBitrate"` // the congestion controller's estimate

	// Remote video as decoded here.
	FramesPerSecond float64 `json:"framesPerSecond"`
	FramesReceived  uint64  `json:"framesReceived"`
	FramesDecoded   uint64  `json:"framesDecoded"`
	Width           int     `json:"width"`
	Height          int     `json:"height"`

	AudioPacketsReceived uint32 `json:"audioPacketsReceived"`
	VideoPacketsReceived uint32 `json:"videoPacketsReceived"`

	// Remote sound as decoded here: packets decoded, the loudness of the
	// last 100 ms (RMS, 0–1) and its strongest frequency in Hz (0 for
	// silence; the test tone shows as 440).
	AudioPacketsDecoded uint64  `json:"audioPacketsDecoded"`
	AudioLevel          float64 `json:"audioLevel"`
	AudioFrequency      float64 `json:"audioFrequency"`
	// Lost audio packets rebuilt from the next packet (its redundant copy,
	// RED, or its in-band FEC), and lost or broken ones filled by libopus's
	// concealment.
	AudioRecovered uint64 `json:"audioRecovered"`
	AudioConcealed uint64 `json:"audioConcealed"`
	// The speaker's jitter buffer (zero without a speaker): what it holds,
	// the delay the arrival jitter calls for, and the 10 ms steps by which
	// it shortened (accelerate) or lengthened (expand) pauses to follow it,
	// and the times it ran dry while playing (a gap in the sound).
	PlayoutDelayMs   float64 `json:"playoutDelayMs"`
	PlayoutTargetMs  float64 `json:"playoutTargetMs"`
	AudioAccelerated uint64  `json:"audioAccelerated"`
	AudioExpanded    uint64  `json:"audioExpanded"`
	AudioUnderruns   uint64  `json:"audioUnderruns"`

	// The peer's receiver reports acknowledge our video / audio.
	PeerReceivesVideo bool `json:"peerReceivesVideo"`
	PeerReceivesAudio bool `json:"peerReceivesAudio"`
}

// rateCursor remembers the previous decoded-frame count for the rate.
type rateCursor struct {
	at      time.Time
	decoded uint64
}

// videoStats sums the live call's video receivers (one, unless the peer
// renegotiated a second video line).
func (s *liveCall) videoStats() receive.VideoStats {
	s.recvMu.Lock()
	defer s.recvMu.Unlock()
	var sum receive.VideoStats
	for _, r := range s.video {
		v := r.Stats()
		sum.FramesReceived += v.FramesReceived
		sum.FramesDecoded += v.FramesDecoded
		if v.LastFrame.After(sum.LastFrame) {
			sum.Width, sum.Height, sum.LastFrame = v.Width, v.Height, v.LastFrame
		}
	}
	return sum
}

// audioStats sums the live call's audio receivers' counters; the level and
// frequency come from the one that decoded most.
func (s *liveCall) audioStats() (sum receive.AudioStats, hz float64) {
	s.recvMu.Lock()
	defer s.recvMu.Unlock()
	var best *receive.AudioReceiver
	var bestN uint64
	for _, r := range s.audio {
		a := r.Stats()
		sum.PacketsDecoded += a.PacketsDecoded
		sum.PacketsRecovered += a.PacketsRecovered
		sum.PacketsConcealed += a.PacketsConcealed
		if best == nil || a.PacketsDecoded > bestN {
			best, bestN, sum.Level = r, a.PacketsDecoded, a.Level
		}
	}
	if best != nil {
		hz = best.DominantFrequency()
	}
	return sum, hz
}

// stats collects a snapshot of the live call's call.
func (s *liveCall) stats(now time.Time) Stats {
	n := s.call.Stats()
	v := s.videoStats()
	a, hz := s.audioStats()
	st := Stats{
		AudioPacketsDecoded:  a.PacketsDecoded,
		AudioLevel:           a.Level,
		AudioFrequency:       hz,
		AudioRecovered:       a.PacketsRecovered,
		AudioConcealed:       a.PacketsConcealed,
		Peer:                 s.peer,
		RTTMillis:            float64(n.RTT) / float64(time.Millisecond),
		Loss:                 n.Loss,
		JitterMillis:         float64(n.Jitter) / float64(time.Millisecond),
		SendBitrate:          n.SendBitrate,
		ReceiveBitrate:       n.ReceiveBitrate,
		TargetBitrate:        n.TargetBitrate,
		FramesReceived:       v.FramesReceived,
		FramesDecoded:        v.FramesDecoded,
		Width:                v.Width,
		Height:               v.Height,
		AudioPacketsReceived: n.AudioPacketsReceived,
		VideoPacketsReceived: n.VideoPacketsReceived,
		PeerReceivesVideo:    n.PeerReportsVideo,
		PeerReceivesAudio:    n.PeerReportsAudio,
	}
	if !s.rate.at.IsZero() {
		if dt := now.Sub(s.rate.at).Seconds(); dt > 0 {
			st.FramesPerSecond = float64(v.FramesDecoded-s.rate.decoded) / dt
		}
	}
	s.rate = rateCursor{at: now, decoded: v.FramesDecoded}
	return st
}

// tick runs once a second on the loop: it times out unanswered calls and
// reports statistics.
func (e *Engine) tick(now time.Time) {
	s := e.live
	if s == nil {
		return
	}
	if e.state == Calling && now.Sub(s.started) > e.cfg.AnswerTimeout {
		e.endCall(ReasonNoAnswer, true)
		return
	}
	if s.call != nil && s.connected {
		e.emit(StatsUpdated{Stats: e.withPlayout(s.stats(now))})
	}
}

// withPlayout adds the speaker's jitter-buffer figures, when the output
// has them.
func (e *Engine) withPlayout(st Stats) Stats {
	p, ok := e.cfg.Audio.(interface{ Stats() audio.PlayoutStats })
	if !ok {
		return st
	}
	ps := p.Stats()
	st.PlayoutDelayMs = float64(ps.Queued) / float64(time.Millisecond)
	st.PlayoutTargetMs = float64(ps.Target) / float64(time.Millisecond)
	st.AudioAccelerated, st.AudioExpanded, st.AudioUnderruns = ps.Accelerated, ps.Expanded, ps.Underruns
	return st
}

// Stats returns a snapshot of the current call's statistics, or false when
// there is no connected call. Rates cover the time since the last snapshot.
func (e *Engine) Stats() (Stats, bool) {
	var (
		st Stats
		ok bool
	)
	err := e.do(func() error {
		if s := e.live; s != nil && s.call != nil && s.connected {
			st, ok = e.withPlayout(s.stats(time.Now())), true
		}
		return nil
	})
	return st, ok && err == nil
}
