package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley/bench/internal/stats"
)

// WebcamResults is issue 18's section (docs/benchmarks.md, "Webcam
// frames"): what a real webcam's frames cost, per frame and in a call,
// cold start with the MJPEG camera, and calls under a CPU hog.
type WebcamResults struct {
	PerFrame []FramePair `json:"perFrame"`
	// CPU is case (d)'s 720p call per pair of cameras, desktop against its
	// Chromium peer.
	CPU []CallCPU `json:"cpu"`
	// ColdStart is launch → own camera on screen, ms per app.
	ColdStart ColdStart `json:"coldStartMs,omitempty"`
	Load      []LoadRow `json:"underLoad"`
}

// FramePair is one input format's conversion to I420, ms per frame:
// Parley's path (libjpeg-turbo, libyuv) and mediadevices' decoders before
// it (BenchmarkWebcamFrame in app/media).
type FramePair struct {
	Name     string  `json:"name"` // mjpeg-720p, yuyv-720p...
	ParleyMs float64 `json:"parleyMs"`
	BeforeMs float64 `json:"mediadevicesMs"`
	// ChromiumMs is Chromium's decoding of the same MJPEG frames (libyuv's
	// MJPGToI420, bench/internal/libyuvjpeg); 0 for the raw formats.
	ChromiumMs float64 `json:"chromiumMs,omitempty"`
}

// CallCPU is one 720p call of case (d): CPU in cores of the desktop (Go +
// WebKit) and of the Chromium peer, and what each side saw of the other.
type CallCPU struct {
	Cameras     string  `json:"cameras"`
	DeskCores   float64 `json:"desktopCores"`
	GoCores     float64 `json:"goCores"`
	WebKitCores float64 `json:"webkitCores"`
	PeerCores   float64 `json:"chromiumPeerCores"`
	// What the window drew of the peer's video, and what the peer sent.
	WindowDrawn string  `json:"windowDrawn"`
	WindowFPS   float64 `json:"windowFps"`
	// WindowStampMs is the median age of the stamps in the pictures the
	// window drew (its latency p50): with the .mjpeg file, the age of the
	// file's fixed stamps, seconds and growing, which shows the window
	// draws the file; not a latency then.
	WindowStampMs float64 `json:"windowStampMs"`
	PeerSent      string  `json:"peerSent"`
	PeerSentFPS   float64 `json:"peerSentFps"`
	// The desktop's video as the peer presented it: its last width and
	// stamped frames per second.
	ToChromiumWidth int     `json:"toChromiumWidth"`
	ToChromiumFPS   float64 `json:"toChromiumFps"`
}

// LoadRow is one direction of a call, quiet and with a busy loop pinned
// to CPU 0: frames presented per second and latency.
type LoadRow struct {
	Case      string        `json:"case"`
	Direction string        `json:"direction"`
	QuietFPS  float64       `json:"quietFps"`
	HogFPS    float64       `json:"hoggedFps"`
	Quiet     stats.Summary `json:"quietMs"`
	Hog       stats.Summary `json:"hoggedMs"`
}

// framePairs pairs BenchmarkWebcamFrame's rows ("BenchmarkWebcamFrame/
// mjpeg-720p/parley", ".../mediadevices") by input, in the benchmark's
// order; an input with only one side is left out.
func framePairs(rows []CodecRow) []FramePair {
	var out []FramePair
	idx := map[string]int{}
	for _, r := range rows {
		parts := strings.Split(r.Name, "/")
		if len(parts) != 3 || parts[0] != "BenchmarkWebcamFrame" {
			continue
		}
		i, ok := idx[parts[1]]
		if !ok {
			i = len(out)
			idx[parts[1]] = i
			out = append(out, FramePair{Name: parts[1]})
		}
		switch parts[2] {
		case "parley":
			out[i].ParleyMs = r.MsPerFrame
		case "mediadevices":
			out[i].BeforeMs = r.MsPerFrame
		}
	}
	return slices.DeleteFunc(out, func(p FramePair) bool { return p.ParleyMs == 0 || p.BeforeMs == 0 })
}

// addChromium fills the MJPEG pairs' ChromiumMs from
// BenchmarkChromiumMJPEG's rows ("BenchmarkChromiumMJPEG/mjpeg-720p").
func addChromium(pairs []FramePair, rows []CodecRow) {
	for _, r := range rows {
		name, ok := strings.CutPrefix(r.Name, "BenchmarkChromiumMJPEG/")
		if !ok {
			continue
		}
		for i := range pairs {
			if pairs[i].Name == name {
				pairs[i].ChromiumMs = r.MsPerFrame
			}
		}
	}
}

// callCPU makes the webcam section's row of one case (d) call.
func callCPU(cameras string, o desktopOut) CallCPU {
	return CallCPU{Cameras: cameras, DeskCores: o.desk.goProc + o.desk.webkit, GoCores: o.desk.goProc, WebKitCores: o.desk.webkit, PeerCores: o.desk.peer,
		WindowDrawn: strings.Join(o.windowSizes, ", "), WindowFPS: o.window.FPS, WindowStampMs: o.window.MS.Median,
		PeerSent: fmt.Sprintf("%d px wide (limited by: %s)", o.peerSend.Width, o.peerSend.Limit), PeerSentFPS: o.peerSend.FPS, ToChromiumWidth: o.peerWidth, ToChromiumFPS: o.toChromium.FPS}
}

// hog is a busy loop at normal priority pinned to CPU 0 (taskset), the
// "other work on the machine" of the under-load figures.
type hog struct{ cmd *exec.Cmd }

func startHog(ctx context.Context) (*hog, error) {
	cmd := exec.CommandContext(ctx, "taskset", "-c", "0", "sh", "-c", "while :; do :; done")
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("the CPU hog (taskset): %w", err)
	}
	return &hog{cmd: cmd}, nil
}

// stop kills the loop (taskset execs sh, so the pid is the loop's).
func (h *hog) stop() {
	_ = h.cmd.Process.Kill()
	_ = h.cmd.Wait()
}

// loadPlan is the call both cases hold, quiet and hogged.
func loadPlan(hold time.Duration) callPlan {
	return callPlan{Size: "720p", Width: 1280, Height: 720, Hold: hold, Warmup: 2 * time.Second}
}

// measureLoad holds a 720p call of case (a) and of case (d), quiet and
// then with the hog, and returns each direction's loss.
func measureLoad(ctx context.Context, e *env, hold time.Duration, step func(string, ...any)) ([]LoadRow, error) {
	p := loadPlan(hold)
	type figures struct {
		fps float64
		ms  stats.Summary
	}
	runA := func() (figures, error) {
		out, err := callChromium(ctx, e, p)
		if err != nil {
			return figures{}, err
		}
		return figures{out.fps, out.glass[0].MS}, nil
	}
	runD := func() ([2]figures, error) {
		out, err := measureDesktop(ctx, e, 0, p, deskCall{stamped: true})
		if err != nil {
			return [2]figures{}, err
		}
		return [2]figures{{out.toChromium.FPS, stats.Summarize(out.toChromium.Latencies)}, {out.window.FPS, out.window.MS}}, nil
	}
	var quietA, hogA figures
	var quietD, hogD [2]figures
	var err error
	step("under load: case (a) 720p, quiet")
	if quietA, err = runA(); err != nil {
		return nil, fmt.Errorf("case (a) quiet: %w", err)
	}
	step("under load: case (d) 720p, quiet")
	if quietD, err = runD(); err != nil {
		return nil, fmt.Errorf("case (d) quiet: %w", err)
	}
	h, err := startHog(ctx)
	if err != nil {
		return nil, err
	}
	defer h.stop()
	step("under load: case (a) 720p, busy loop on CPU 0")
	if hogA, err = runA(); err != nil {
		return nil, fmt.Errorf("case (a) hogged: %w", err)
	}
	step("under load: case (d) 720p, busy loop on CPU 0")
	if hogD, err = runD(); err != nil {
		return nil, fmt.Errorf("case (d) hogged: %w", err)
	}
	row := func(c, dir string, q, h figures) LoadRow {
		return LoadRow{Case: c, Direction: dir, QuietFPS: q.fps, HogFPS: h.fps, Quiet: q.ms, Hog: h.ms}
	}
	return []LoadRow{
		row("a", "Chromium→Chromium (presented)", quietA, hogA),
		row("d", "desktop→Chromium (presented)", quietD[0], hogD[0]),
		row("d", "Chromium→desktop (drawn in the window, bridge included; medians of 5-s reports)", quietD[1], hogD[1]),
	}, nil
}

// mjpegFile writes the Chromium peer's camera file into the run's
// temporary folder: 3 s of 720p from the webcam-like camera B (Chromium
// loops it).
func mjpegFile(e *env) (string, error) {
	path := filepath.Join(e.tmp, "peer-camera.mjpeg")
	if fileExists(path) {
		return path, nil
	}
	return path, writeMJPEG(path, 1280, 720, 90)
}
