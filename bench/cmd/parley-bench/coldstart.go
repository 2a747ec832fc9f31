package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/settings"
	"github.com/parleyhq/parley/bench/internal/stats"
)

// ColdStart is launch → own camera on screen, in ms per app (see
// bench/web/coldstart.mjs): "desktop" (the production build, as users
// launch it), "desktop-dev" (bin/parley-dev), "chromium" (a window on the
// same display) and "chromium-headless".
type ColdStart map[string]stats.Summary

// measureColdStart runs bench/web/coldstart.mjs runs times per app,
// interleaved, with the .mjpeg file as Chromium's camera and the webcam-like
// MJPEG camera as the desktop's.
func measureColdStart(ctx context.Context, e *env, mjpeg string, runs int) (ColdStart, error) {
	// A returning user's settings in a fresh folder: a display name, so the
	// app signs in at once and opens its camera (a first start stops at
	// the name form), and the webcam at 720p30, which is MJPEG.
	s := settings.Defaults()
	s.DisplayName = "cold"
	s.Camera = testmedia.WebcamA
	s.Resolution = "720p"
	s.FrameRate = 30
	s.Discovery = false
	cfg := map[string]any{"ws": e.signal.wsURL(), "window": e.window, "chromium": e.chromium, "mjpeg": mjpeg, "runs": runs, "settings": s, "timeout": 30000}
	if dev := filepath.Join(e.bin, "parley-dev"); fileExists(dev) {
		cfg["dev"] = dev
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	r := &chromiumRun{events: make(chan chromiumEvent, 8), done: make(chan struct{})}
	r.cmd = exec.CommandContext(ctx, e.node, filepath.Join(e.root, "bench/web/coldstart.mjs"), string(b))
	lines, err := startLines(r)
	if err != nil {
		return nil, err
	}
	got := map[string][]float64{}
	var runErr error
	for line := range lines {
		app, ms, err := parseColdLine(line)
		switch {
		case err != nil:
			runErr = err
		case app != "":
			fmt.Fprintf(e.log, "parley-bench: cold start %s: %.0f ms\n", app, ms)
			got[app] = append(got[app], ms)
		}
	}
	if err := errors.Join(runErr, r.wait()); err != nil {
		return nil, err
	}
	out := ColdStart{}
	for app, xs := range got {
		out[app] = stats.Summarize(xs)
	}
	if len(got["desktop"]) == 0 || len(got["chromium"]) == 0 {
		return out, errors.New("coldstart.mjs: no desktop or no Chromium run")
	}
	return out, nil
}

// parseColdLine reads one line of coldstart.mjs: a run's app and ms, or
// ("", 0, nil) for other events and non-JSON lines, or the script's error.
func parseColdLine(line []byte) (string, float64, error) {
	var ev struct {
		Event string  `json:"event"`
		App   string  `json:"app"`
		MS    float64 `json:"ms"`
		Text  string  `json:"text"`
	}
	if json.Unmarshal(line, &ev) != nil {
		return "", 0, nil
	}
	switch ev.Event {
	case "run":
		if ev.App == "" || ev.MS <= 0 {
			return "", 0, fmt.Errorf("coldstart.mjs: a run without app or time: %s", line)
		}
		return ev.App, ev.MS, nil
	case "error":
		return "", 0, fmt.Errorf("coldstart.mjs: %s", ev.Text)
	}
	return "", 0, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
