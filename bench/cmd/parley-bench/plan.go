package main

import (
	"context"
	"fmt"
	"time"

	"github.com/parleyhq/parley/bench/internal/stats"
)

// benchPlan is what one invocation measures.
type benchPlan struct {
	setupRuns      int
	calls          []callPlan
	codecBenchtime string
	sigloadClients int
	sigloadTime    string
	// bridgeSizes are the calls the real window receives, each for
	// bridgeTime (the window reports every 5 s; the first report is left out).
	bridgeSizes []bridgeSize
	bridgeTime  time.Duration
	// desktop runs case (d) when the desktop build and Xvfb are there.
	desktop bool
	sound   soundPlan
	// soundOnly skips every section but sound (--only sound).
	soundOnly bool
	// desktopOnly skips every section but case (d) (--only desktop).
	desktopOnly bool
	// webcam adds case (d)'s MJPEG call (both cameras MJPEG), cold start
	// (coldRuns per app) and the calls under load (each held loadHold).
	webcam   bool
	coldRuns int
	loadHold time.Duration
	// webcamOnly runs the webcam section alone (--only webcam): per-frame
	// cost, case (d)'s 720p call without setup runs, the MJPEG call, cold
	// start and under load.
	webcamOnly bool
}

// fullPlan is make bench: about 21 minutes on 2 cores, 6 of them the webcam
// section (docs/benchmarks.md). The 720p call holds 30 s of CPU sampling
// and waits up to 40 s for Chromium's resolution ramp.
func fullPlan(runs int) benchPlan {
	return benchPlan{
		setupRuns: runs,
		calls: []callPlan{
			{Size: "480p", Width: 640, Height: 480, Hold: 10 * time.Second, Warmup: 2 * time.Second},
			{Size: "720p", Width: 1280, Height: 720, Hold: 32 * time.Second, CPUWindow: 30 * time.Second, FullResWait: 40 * time.Second, Warmup: 2 * time.Second},
		},
		codecBenchtime: "60x",
		sigloadClients: 10000,
		sigloadTime:    "10s", // the relay phase; 5 s runs let the first second of a fresh server weigh twice as much
		bridgeSizes:    []bridgeSize{{"720p", 1280, 720}, {"1080p", 1920, 1080}},
		bridgeTime:     31 * time.Second,
		desktop:        true,
		sound:          fullSoundPlan(),
		webcam:         true,
		coldRuns:       7,
		loadHold:       25 * time.Second,
	}
}

// smokePlan is make bench-smoke: one of each kind, cheaply.
func smokePlan() benchPlan {
	return benchPlan{
		setupRuns:      1,
		calls:          []callPlan{{Size: "480p", Width: 640, Height: 480, Hold: 2 * time.Second, CPUWindow: 2 * time.Second, FullResWait: 3 * time.Second, Warmup: time.Second}},
		codecBenchtime: "1x",
		sigloadClients: 500,
		sigloadTime:    "1s",
		bridgeSizes:    []bridgeSize{{"720p", 1280, 720}},
		bridgeTime:     12 * time.Second,
		sound:          smokeSoundPlan(),
	}
}

func (p benchPlan) execute(ctx context.Context, e *env, res *Results) {
	fail := func(what string, err error) {
		msg := fmt.Sprintf("%s: %v", what, err)
		fmt.Fprintln(e.log, "parley-bench: FAILED", msg)
		res.Errors = append(res.Errors, msg)
	}
	step := func(format string, a ...any) { fmt.Fprintf(e.log, "parley-bench: "+format+"\n", a...) }
	if p.soundOnly {
		p.sound.execute(ctx, e, res, fail, step)
		return
	}
	if p.webcam {
		res.Webcam = &WebcamResults{}
	}
	if p.webcamOnly {
		p.setupRuns = 0
		p.calls = p.calls[len(p.calls)-1:]
		p.desktopOnly = true
		p.perFrame(ctx, e, res, fail, step)
	}

	setups := map[string][]float64{}
	defer func() {
		for name, xs := range setups {
			res.Setup[name] = stats.Summarize(xs)
		}
	}()
	cases := []struct {
		name string
		fn   func(context.Context, *env, int) (float64, error)
	}{{"a", setupChromium}, {"b", setupParleyChromium}, {"c", setupParleyParley}}
	setupRuns := p.setupRuns
	if p.desktopOnly {
		setupRuns = 0 // case (d) still places its own short calls
	}
	for i := range setupRuns {
		// Interleaved, so that a noisy minute hits every case alike.
		for _, c := range cases {
			ms, err := c.fn(ctx, e, i)
			if err != nil {
				fail(fmt.Sprintf("setup (%s) run %d", c.name, i+1), err)
				continue
			}
			step("setup (%s) run %d: %.0f ms", c.name, i+1, ms)
			setups[c.name] = append(setups[c.name], ms)
		}
	}
	if why := desktopMissing(e); why != "" || !p.desktop {
		if why == "" {
			why = "not part of this plan (make bench runs it)"
		}
		res.Skipped = append(res.Skipped, Skip{What: "case (d) desktop UI ↔ Chromium: setup, latency and CPU of Go + WebKit", Why: why})
	} else {
		// Latency at every call size; setup runs and CPU with the last.
		for i, cp := range p.calls {
			runs := 0
			if i == len(p.calls)-1 {
				runs = p.setupRuns
			}
			step("case (d): desktop app on Xvfb calls Chromium, %d short calls and one of %s at %s", runs, cp.Hold, cp.Size)
			out, err := measureDesktop(ctx, e, runs, cp, deskCall{stamped: true})
			if len(out.setup) > 0 {
				setups["d"] = out.setup
				setups["d-peer"] = out.peerSetup
			}
			if err != nil {
				fail("case (d) at "+cp.Size, err)
			}
			res.Glass = append(res.Glass, out.glass...)
			res.FullRes = append(res.FullRes, out.fullRes...)
			res.CPU = append(res.CPU, out.cpu...)
			if err == nil && cp.CPUWindow > 0 && p.webcam {
				res.Webcam.CPU = append(res.Webcam.CPU, callCPU("test camera (I420, --fake-media) ↔ Chromium's canvas camera", out))
			}
		}
		if last := p.calls[len(p.calls)-1]; p.webcam {
			p.mjpegCall(ctx, e, res, last, fail, step)
		}
	}
	if p.webcamOnly {
		p.webcamRest(ctx, e, res, fail, step)
		return
	}
	if p.desktopOnly {
		return
	}

	for _, cp := range p.calls {
		for _, c := range []struct {
			name string
			fn   func(context.Context, *env, callPlan) (callOut, error)
		}{{"a", callChromium}, {"b", callParleyChromium}, {"c", callParleyParley}} {
			step("call (%s) at %s for %s", c.name, cp.Size, cp.Hold)
			out, err := c.fn(ctx, e, cp)
			if err != nil {
				fail(fmt.Sprintf("call (%s) at %s", c.name, cp.Size), err)
				continue
			}
			res.Glass = append(res.Glass, out.glass...)
			res.FullRes = append(res.FullRes, out.fullRes...)
			res.CPU = append(res.CPU, out.cpu...)
			if cp.CPUWindow > 0 {
				res.CPUSize = cp.Size
			}
			res.Codec = append(res.Codec, out.codec...)
			res.Receive = append(res.Receive, out.receive...)
		}
	}
	res.Skipped = append(res.Skipped, Skip{What: "time to full resolution Parley→Parley", Why: "the headless binary reports only its last received size; the Parley→Chromium figure covers Parley's sender"})

	p.perFrame(ctx, e, res, fail, step)
	for _, b := range []struct{ pkg, pattern string }{
		{"./app/media/vp8", "Encode$/parley/.*/cpu-used=-12/"},
		{"./app/media/vp8", "Decode$"},
		{"./app/receive", "VideoReceive$"},
	} {
		step("go test -bench %s %s", b.pattern, b.pkg)
		rows, err := goBench(ctx, e, b.pkg, b.pattern, p.codecBenchtime)
		if err != nil {
			fail("codec benchmark", err)
			continue
		}
		res.Codec = append(res.Codec, rows...)
	}

	step("parley-sigload with %d clients", p.sigloadClients)
	if rep, err := sigload(ctx, e, p.sigloadClients, p.sigloadTime); err != nil {
		fail("signaling load", err)
	} else {
		res.Sigload = rep
	}

	p.sound.execute(ctx, e, res, fail, step)

	if p.webcam {
		p.webcamRest(ctx, e, res, fail, step)
	} else {
		res.Skipped = append(res.Skipped, Skip{What: "webcam: the MJPEG call, cold start and under load", Why: "not part of this plan (make bench runs them)"})
	}

	if why := windowMissing(e); why != "" {
		res.Skipped = append(res.Skipped, Skip{What: "frame bridge in the real window", Why: why})
		return
	}
	for _, s := range p.bridgeSizes {
		step("frame bridge in the real window, %s call", s.name)
		row, err := measureWindow(ctx, e, s, p.bridgeTime)
		if err != nil {
			fail("frame bridge at "+s.name, err)
			continue
		}
		res.Bridge = append(res.Bridge, row)
	}
}

// perFrame is the webcam section's per-frame cost: each input format to
// I420, Parley's path and mediadevices' before it, as pairs.
func (p benchPlan) perFrame(ctx context.Context, e *env, res *Results, fail func(string, error), step func(string, ...any)) {
	step("go test -bench WebcamFrame$ ./app/media")
	rows, err := goBench(ctx, e, "./app/media", "WebcamFrame$", p.codecBenchtime)
	if err != nil {
		fail("webcam frame benchmark", err)
		return
	}
	if res.Webcam == nil {
		res.Webcam = &WebcamResults{}
	}
	res.Webcam.PerFrame = framePairs(rows)
	if len(res.Webcam.PerFrame) == 0 {
		fail("webcam frame benchmark", fmt.Errorf("no parley/mediadevices pairs in %d rows", len(rows)))
		return
	}
	step("go test -bench ChromiumMJPEG$ ./bench/internal/libyuvjpeg")
	chromium, err := goBench(ctx, e, "./bench/internal/libyuvjpeg", "ChromiumMJPEG$", p.codecBenchtime)
	if err != nil {
		fail("Chromium's MJPEG decoding benchmark", err)
		return
	}
	addChromium(res.Webcam.PerFrame, chromium)
}

// mjpegCall is case (d)'s long call at cp with MJPEG on both sides: the
// desktop's webcam-like camera and the .mjpeg file Chromium plays. It is
// held as long as the call with the test cameras, so that what the peer
// sends at the end compares.
func (p benchPlan) mjpegCall(ctx context.Context, e *env, res *Results, cp callPlan, fail func(string, error), step func(string, ...any)) {
	file, err := mjpegFile(e)
	if err != nil {
		fail("the peer's .mjpeg camera file", err)
		return
	}
	step("case (d), MJPEG: desktop with --fake-webcam calls Chromium playing an .mjpeg file, one call of %s at %s", cp.Hold, cp.Size)
	out, err := measureDesktop(ctx, e, 0, cp, deskCall{mjpeg: file})
	if err != nil {
		fail("case (d) MJPEG at "+cp.Size, err)
		return
	}
	res.Webcam.CPU = append(res.Webcam.CPU, callCPU("MJPEG webcam (--fake-webcam, Webcam A) ↔ Chromium playing an .mjpeg file", out))
	// The test pictures need more bits than Chromium's bandwidth estimate
	// allows in the first minute, so Chromium sends them scaled down
	// (320 or 640 wide) and encodes far less than the desktop: once more
	// with Chromium holding 1280×720, to compare the same work.
	step("case (d), MJPEG, the peer's sender keeping its resolution: one call of %s at %s", cp.Hold, cp.Size)
	out, err = measureDesktop(ctx, e, 0, cp, deskCall{mjpeg: file, maintainResolution: true})
	if err != nil {
		fail("case (d) MJPEG, maintain-resolution, at "+cp.Size, err)
		return
	}
	res.Webcam.CPU = append(res.Webcam.CPU, callCPU("the same, Chromium's sender keeping 1280×720 (degradationPreference maintain-resolution)", out))
}

// webcamRest is the webcam section's cold start and calls under load.
func (p benchPlan) webcamRest(ctx context.Context, e *env, res *Results, fail func(string, error), step func(string, ...any)) {
	if why := desktopMissing(e); why != "" {
		res.Skipped = append(res.Skipped, Skip{What: "webcam: cold start and under load", Why: why})
		return
	}
	if windowMissing(e) != "" {
		res.Skipped = append(res.Skipped, Skip{What: "webcam: cold start", Why: windowMissing(e)})
	} else if file, err := mjpegFile(e); err != nil {
		fail("the .mjpeg camera file", err)
	} else {
		step("cold start: desktop app and Chromium, launch → own camera on screen, %d runs each, interleaved", p.coldRuns)
		cs, err := measureColdStart(ctx, e, file, p.coldRuns)
		if err != nil {
			fail("cold start", err)
		}
		res.Webcam.ColdStart = cs
	}
	rows, err := measureLoad(ctx, e, p.loadHold, step)
	if err != nil {
		fail("under load", err)
	}
	res.Webcam.Load = rows
}
