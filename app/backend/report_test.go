package backend

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// The page's drawing reports become log lines a benchmark can parse: the
// periodic figures, a separate line the moment a stream starts, and a
// warning when the page's frame-bridge connection had trouble.
func TestReportVideoLogs(t *testing.T) {
	var buf bytes.Buffer
	a := &App{log: slog.New(slog.NewTextHandler(&buf, nil))}
	a.ReportVideo(VideoReport{Streams: []StreamReport{
		{Stream: 1, Width: 1280, Height: 720, StartedAt: 1763700000123},
	}})
	a.ReportVideo(VideoReport{Streams: []StreamReport{
		{Stream: 1, Width: 1280, Height: 720, FPS: 29.5, P50Ms: 12.25, P95Ms: 18, Skipped: 3,
			TransitMs: [2]float64{1.5, 3}, WaitMs: [2]float64{7, 15.5}, DrawMs: [2]float64{2, 4}},
		{Stream: 2}, // a pane showing nothing is left out
	}})
	// A page whose bridge connection was closed and reopened says so; one
	// whose connection held says nothing.
	a.ReportVideo(VideoReport{Bridge: &BridgeReport{}})
	a.ReportVideo(VideoReport{Bridge: &BridgeReport{Reconnects: 2, Rejected: 1, LastError: "socket closed (1003 bridge: bad view message)"}})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	for i, want := range []string{
		`msg="window video started" stream=remote size=1280x720 at_ms=1763700000123`,
		`msg="window video" stream=remote size=1280x720 fps=29.5 p50_ms=12.2 p95_ms=18.0 skipped=3 transit_ms=1.5/3.0 wait_ms=7.0/15.5 draw_ms=2.0/4.0`,
		`level=WARN msg="window frame bridge trouble" reconnects=2 rejected=1 last_error="socket closed (1003 bridge: bad view message)"`,
	} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d = %s\nwant it to contain %s", i, lines[i], want)
		}
	}
}
