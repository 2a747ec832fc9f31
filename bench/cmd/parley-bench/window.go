package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/parleyhq/parley/app/backend"
	"github.com/parleyhq/parley/bench/internal/stats"
	"github.com/parleyhq/parley/internal/syncbuf"
)

// windowMissing says why the real-window cases cannot run here, or "".
func windowMissing(e *env) string {
	if _, err := os.Stat(e.window); err != nil {
		return "build/bin/parley (make desktop) is missing"
	}
	if _, err := exec.LookPath("Xvfb"); err != nil {
		return "no X server: Xvfb is not installed"
	}
	return ""
}

// measureWindow is the frame bridge as users get it: the production desktop
// binary in a real WebKitGTK window on Xvfb, called by a headless Parley
// sending s, for d. The window's page reports its own drawing every 5 s
// (frontend/js/report.js → the --report-json file, app/backend ReportLine):
// frames drawn per second, and latency from the remote picture's decode to its drawing
// (the engine hands decoded pictures straight to the bridge, so this is
// the bridge's send → drawn). The first report is the call's start and is
// left out.
func measureWindow(ctx context.Context, e *env, s bridgeSize, d time.Duration) (BridgeRow, error) {
	x, err := startXvfb(ctx)
	if err != nil {
		return BridgeRow{}, err
	}
	defer x.stop()
	home, err := os.MkdirTemp(e.tmp, "window-")
	if err != nil {
		return BridgeRow{}, err
	}
	name := "win" + strconv.Itoa(int(time.Now().UnixNano()%1e6))
	var log syncbuf.Buffer
	reports := filepath.Join(home, "reports.jsonl")
	win := exec.CommandContext(ctx, e.window, "--fake-media", "--server", e.signal.wsURL(), "--name", name, "--auto-answer", "--report-json", reports)
	win.Env = append(os.Environ(), "DISPLAY="+x.display, "XDG_CONFIG_HOME="+home, "NO_AT_BRIDGE=1")
	win.Stdout, win.Stderr = &log, &log
	win.WaitDelay = 5 * time.Second
	if err := win.Start(); err != nil {
		return BridgeRow{}, err
	}
	defer func() { _ = win.Process.Kill(); _ = win.Wait() }()

	peer, err := startHeadless(ctx, e, e.signal.wsURL(), headlessOpts{Name: name + "-peer", Call: name, Width: s.width, Height: s.height, Duration: d})
	if err != nil {
		return BridgeRow{}, err
	}
	res, err := peer.wait()
	if err != nil {
		return BridgeRow{}, err
	}
	if !res.Connected {
		return BridgeRow{}, fmt.Errorf("the call to the window did not connect (%s): %s", res.EndReason, lastLines(log.String(), 5))
	}
	lines, err := readReports(reports)
	if err != nil {
		return BridgeRow{}, err
	}
	reps := windowReports(lines, "remote")
	if len(reps) < 2 {
		return BridgeRow{}, fmt.Errorf("the window reported %d times in %v: %s", len(reps), d, lastLines(log.String(), 5))
	}
	return summarizeWindow(s.name, reps[1:]), nil
}

// bridgeSize is a picture size the bridge is measured at.
type bridgeSize struct {
	name          string
	width, height int
}

// windowReport is one of the page's periodic reports of a pane: its
// drawing over 5 s, with the p50 of each stage of the frames' way through
// the page.
type windowReport struct {
	size                 string
	fps, p50, p95        float64
	transit, wait, drawn float64
}

// readReports reads the window's --report-json file. The window may be
// writing as it is read: a last line without its newline is left out.
func readReports(path string) ([]backend.ReportLine, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("the window's reports: %w", err)
	}
	return decodeReports(b)
}

// decodeReports decodes JSON lines of app/backend ReportLine; a last line
// without its newline is left out (the window was writing it).
func decodeReports(b []byte) ([]backend.ReportLine, error) {
	var out []backend.ReportLine
	for {
		line, rest, ok := bytes.Cut(b, []byte("\n"))
		if !ok {
			return out, nil
		}
		b = rest
		var r backend.ReportLine
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("the window's report %q: %w", line, err)
		}
		out = append(out, r)
	}
}

// windowReports returns the periodic reports of stream ("remote" or
// "local"), leaving out the reports of a stream's first picture.
func windowReports(lines []backend.ReportLine, stream string) []windowReport {
	var out []windowReport
	for _, l := range lines {
		for _, s := range l.Streams {
			if s.Name != stream || s.StartedAt != 0 {
				continue
			}
			out = append(out, windowReport{size: fmt.Sprintf("%dx%d", s.Width, s.Height), fps: s.FPS, p50: s.P50Ms, p95: s.P95Ms,
				transit: s.TransitMs[0], wait: s.WaitMs[0], drawn: s.DrawMs[0]})
		}
	}
	return out
}

// summarizeWindow folds 5-s reports into one row: the mean frame rate, and
// the median over reports of their p50 and p95 (min: the best p50; max:
// the worst p95). The page keeps percentiles, not every latency, so the
// row's latencies are medians of 5-s windows.
func summarizeWindow(size string, reps []windowReport) BridgeRow {
	var fps, p50, p95, transit, wait, drawn []float64
	sizes := map[string]bool{}
	for _, r := range reps {
		fps = append(fps, r.fps)
		p50 = append(p50, r.p50)
		p95 = append(p95, r.p95)
		transit = append(transit, r.transit)
		wait = append(wait, r.wait)
		drawn = append(drawn, r.drawn)
		sizes[r.size] = true
	}
	drawnAt := slices.Sorted(maps.Keys(sizes))
	mean := 0.0
	for _, f := range fps {
		mean += f / float64(len(fps))
	}
	a, b := stats.Summarize(p50), stats.Summarize(p95)
	return BridgeRow{
		Size:  size,
		Where: fmt.Sprintf("WebKit window (production build), drawn at %v", drawnAt),
		FPS:   mean,
		MS:    stats.Summary{N: int(mean * 5 * float64(len(reps))), Median: a.Median, P95: b.Median, Min: a.Min, Max: b.Max},
		Stages: BridgeStages{TransitMs: stats.Summarize(transit).Median, WaitMs: stats.Summarize(wait).Median,
			DrawMs: stats.Summarize(drawn).Median},
	}
}
