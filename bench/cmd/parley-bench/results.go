package main

import (
	"time"

	"github.com/parleyhq/parley/bench/internal/procstat"
	"github.com/parleyhq/parley/bench/internal/stats"
)

// Results is bench/results/latest.json.
type Results struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Smoke    bool      `json:"smoke"`
	Machine  Machine   `json:"machine"`

	// Setup is call setup in ms per case: "a" Chromium↔Chromium, "b"
	// Parley→Chromium, "c" Parley↔Parley, "d" desktop UI↔Chromium (to
	// the desktop's first drawn frame), "d-peer" the same calls until the
	// Chromium peer shows the desktop's video.
	Setup map[string]stats.Summary `json:"setupMs"`
	// Glass is capture-to-display (Chromium) or capture-to-decode
	// (headless Parley) latency in ms over the frames of one call.
	Glass []GlassRow `json:"glassToGlass"`
	// FullRes is the time from placing the call until the receiver got
	// full-width video.
	FullRes []FullResRow `json:"fullResolution"`
	CPU     []CPURow     `json:"cpu"`
	// CPUSize is the size of the call whose processes were sampled.
	CPUSize string         `json:"cpuCallSize"`
	Bridge  []BridgeRow    `json:"bridge"`
	Codec   []CodecRow     `json:"codec"`
	Sigload map[string]any `json:"signalingLoad,omitempty"`
	// Receive is where a Chromium receiver held frames, per sender.
	Receive []ReceiveRow `json:"chromiumReceive"`
	// Sound is speech under loss, mouth-to-ear delay and echo cancellers.
	Sound *SoundResults `json:"sound,omitempty"`
	// Webcam is what real webcams' frames cost (issue 18).
	Webcam *WebcamResults `json:"webcam,omitempty"`

	Skipped []Skip   `json:"skipped"`
	Errors  []string `json:"errors"`
}

// Machine is where the figures were taken.
type Machine struct {
	CPUs     int    `json:"cpus"`
	Chromium string `json:"chromium"`
	Go       string `json:"go"`
}

// GlassRow is one direction of one case at one size.
type GlassRow struct {
	Size      string        `json:"size"`
	Case      string        `json:"case"`
	Direction string        `json:"direction"`
	MS        stats.Summary `json:"ms"`
	// Held is the receiving Chromium's part of MS: from the frame's last
	// packet arriving to its presentation (requestVideoFrameCallback's
	// receiveTime). What is left of MS is the sender's: capture, encode
	// and the network. Nil for rows a Chromium did not receive.
	Held *stats.Summary `json:"heldByChromiumMs,omitempty"`
	// Full is MS over the frames that came at the call's full width only:
	// a Chromium sender starts a 720p call small and takes 20–40 s to
	// reach 1280 wide, and smaller frames are quicker through every stage.
	// Nil for rows a Chromium did not receive, or with no such frame.
	Full *stats.Summary `json:"atFullWidthMs,omitempty"`
	// Where says where the receiver took the time: "presented" (Chromium's
	// requestVideoFrameCallback) or "decoded" (Parley's engine frames).
	Where string `json:"where"`
	// Only50and95 marks figures that come as p50/p95 only (the headless
	// binary's report): Median and P95 are set, Min and Max are not.
	Only50and95 bool `json:"only50and95,omitempty"`
}

// FullResRow is one direction's time to full resolution.
type FullResRow struct {
	Direction string  `json:"direction"`
	Seconds   float64 `json:"seconds"` // -1: not reached within the call
	Width     int     `json:"width"`   // the last received width
	WaitedS   float64 `json:"waitedS"` // how long it was waited for
}

// CPURow is one process (or process role) during the 720p30 call.
type CPURow struct {
	Case    string  `json:"case"`
	Process string  `json:"process"`
	CPU     float64 `json:"cpuCores"`
	RSSMiB  float64 `json:"rssMiB"`
}

// BridgeRow is the frame bridge in the real window during a call at one
// size. Its latencies are medians of the page's 5-s reports (MS.Min is the
// best report's p50, MS.Max the worst report's p95).
type BridgeRow struct {
	Size  string        `json:"size"`
	Where string        `json:"where"` // the binary and the sizes the page drew
	FPS   float64       `json:"fpsDrawn"`
	MS    stats.Summary `json:"latencyMs"`
	// Stages splits the page's part of the latency (medians of the
	// reports' p50s).
	Stages BridgeStages `json:"stages"`
}

// BridgeStages are the page's stages of a frame, in ms: bridge send →
// received by the page, received → drawn in requestAnimationFrame, and the
// draw call (texture upload and shader).
type BridgeStages struct {
	TransitMs float64 `json:"transitMs"`
	WaitMs    float64 `json:"waitMs"`
	DrawMs    float64 `json:"drawMs"`
}

// CodecRow is one codec benchmark or Chromium's in-call codec time.
type CodecRow struct {
	Name       string  `json:"name"`
	MsPerFrame float64 `json:"msPerFrame"`
}

// ReceiveRow is a Chromium receiver's per-frame delays in the last
// seconds of a call (getStats inbound-rtp), to show where glass-to-glass
// time goes on the receiving side.
type ReceiveRow struct {
	Size           string  `json:"size"`
	Sender         string  `json:"sender"`
	JitterBufferMs float64 `json:"jitterBufferMs"`
	JitterTargetMs float64 `json:"jitterTargetMs"`
	// JitterMinimumMs is the target without lip sync's share.
	JitterMinimumMs float64 `json:"jitterMinimumMs"`
	AssemblyMs      float64 `json:"assemblyMs"`
	DecodeMs        float64 `json:"decodeMs"`
	AudioJitterMs   float64 `json:"audioJitterBufferMs"`
}

// Skip says what was not measured and why.
type Skip struct {
	What string `json:"what"`
	Why  string `json:"why"`
}

func byRole(caseName string, us []procstat.Usage, prefix string) []CPURow {
	var rows []CPURow
	for role, u := range procstat.ByRole(us) {
		rows = append(rows, CPURow{Case: caseName, Process: prefix + role, CPU: u.CPU, RSSMiB: u.MaxRSSMiB})
	}
	return rows
}
