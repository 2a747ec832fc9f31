package headless

import (
	"encoding/json"
	"math"
	"os"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/engine/probe"
	"github.com/parleyhq/parley/app/media/testmedia"
)

// Result is what the headless peer measured in its call, written as JSON.
type Result struct {
	Name      string `json:"name"`
	Peer      string `json:"peer"`
	Connected bool   `json:"connected"`
	EndReason string `json:"endReason"`

	// FramesSent counts camera frames captured while the call was
	// connected, which the encoder sent on.
	FramesSent uint64 `json:"framesSent"`
	// FramesReceived are remote frames rebuilt from RTP; FramesDecoded the
	// pictures decoded from them.
	FramesReceived uint64 `json:"framesReceived"`
	FramesDecoded  uint64 `json:"framesDecoded"`
	Width          int    `json:"width"`
	Height         int    `json:"height"`
	// StampedFrames and Cameras come from test-camera stamps in the
	// decoded pictures (zero with a browser's camera).
	StampedFrames uint64 `json:"stampedFrames"`
	Cameras       []int  `json:"cameras"`
	// DecodedShare is, for the last camera seen, the share of the frames it
	// stamped (first to last seen) that were decoded here: 1 is lossless.
	DecodedShare float64 `json:"decodedShare"`

	AudioPacketsReceived uint32  `json:"audioPacketsReceived"`
	AudioPacketsDecoded  uint64  `json:"audioPacketsDecoded"`
	ToneHz               float64 `json:"toneHz"`    // strongest frequency in the decoded sound
	ToneFound            bool    `json:"toneFound"` // it is the test tone's (testmedia.ToneHz, ±5 Hz)

	PeerReceivesVideo bool `json:"peerReceivesVideo"`
	PeerReceivesAudio bool `json:"peerReceivesAudio"`

	LatencyP50Ms float64 `json:"latencyP50Ms"`
	LatencyP95Ms float64 `json:"latencyP95Ms"`

	Last engine.Stats `json:"lastStats"`

	// ConnectedAtMs and EndedAtMs are wall-clock times (Unix ms) of the
	// call connecting and ending, for tests that line them up with faults
	// they caused.
	ConnectedAtMs int64 `json:"connectedAtMs"`
	EndedAtMs     int64 `json:"endedAtMs"`
	// MediaFilesAtMs is when --speaker-file's timeline began (Unix ms):
	// its first sample, at the first connection (ConnectedAtMs moves on a
	// reconnection). With MicCapturedAtMs it times a sound from one peer's
	// microphone to another's speaker.
	MediaFilesAtMs int64 `json:"mediaFilesAtMs,omitempty"`
	// MicCapturedAtMs is when the test microphone handed --mic-file's
	// first chunk on (Unix ms, to the microsecond): its timeline as
	// captured. The file starts once the peer reports receiving our audio.
	MicCapturedAtMs float64 `json:"micCapturedAtMs,omitempty"`
	// Freezes is the timeline of gaps between decoded remote pictures.
	Freezes probe.FreezeReport `json:"freezes"`
	// Signaling lists the server connection's outages and returns.
	Signaling []StatusAt `json:"signaling"`
}

// StatusAt is a signaling status change and when it happened (Unix ms).
type StatusAt struct {
	AtMs   int64  `json:"atMs"`
	Status string `json:"status"`
}

// MediaFlowed reports whether the call connected and media went both ways:
// pictures were decoded here, and the peer's receiver reports acknowledge
// what we sent.
func (r *Result) MediaFlowed() bool {
	return r.Connected && r.FramesDecoded > 0 && r.FramesSent > 0 &&
		(r.PeerReceivesVideo || r.PeerReceivesAudio)
}

// toneTolerance is how far the measured frequency may be from the test
// tone's: Opus and the meter's interpolation keep it within a hertz or two.
const toneTolerance = 5

func (r *Result) fillAudio() {
	r.AudioPacketsReceived = r.Last.AudioPacketsReceived
	r.AudioPacketsDecoded = r.Last.AudioPacketsDecoded
	r.ToneHz = r.Last.AudioFrequency
	r.ToneFound = math.Abs(r.ToneHz-testmedia.ToneHz) <= toneTolerance
}

func (r *Result) fillVideo(v *probe.Video) {
	rep := v.Report()
	r.Freezes = v.Freezes()
	r.FramesDecoded = rep.RemoteFrames
	r.Width, r.Height = rep.Width, rep.Height
	r.StampedFrames = rep.StampedFrames
	r.Cameras = rep.Cameras
	if decoded, sent := v.Delivery(uint8(rep.LastCamera)); sent > 0 {
		r.DecodedShare = float64(decoded) / float64(sent)
	}
	p50, p95, _ := v.Latency()
	r.LatencyP50Ms = float64(p50.Microseconds()) / 1000
	r.LatencyP95Ms = float64(p95.Microseconds()) / 1000
}

func (r *Result) write(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
