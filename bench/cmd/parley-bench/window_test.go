package main

import (
	"bytes"
	"math"
	"path/filepath"
	"testing"

	"github.com/parleyhq/parley/app/backend"
	"github.com/parleyhq/parley/app/settings"
)

// windowLog writes the page's reports through the window's own writer
// (app/backend ReportVideo with --report-json), so that a change of its format
// fails here rather than in make bench.
func windowLog(t *testing.T) []byte {
	t.Helper()
	var out bytes.Buffer
	app, err := backend.New(backend.Options{Settings: settings.NewStore(filepath.Join(t.TempDir(), "settings.json")), Reports: &out})
	if err != nil {
		t.Fatal(err)
	}
	remote := func(fps, p50, p95 float64, skipped int, stages ...float64) backend.StreamReport {
		r := backend.StreamReport{Stream: 1, Width: 1280, Height: 720, FPS: fps, P50Ms: p50, P95Ms: p95, Skipped: skipped}
		if len(stages) == 6 {
			r.TransitMs, r.WaitMs, r.DrawMs = [2]float64{stages[0], stages[1]}, [2]float64{stages[2], stages[3]}, [2]float64{stages[4], stages[5]}
		}
		return r
	}
	app.ReportVideo(backend.VideoReport{Streams: []backend.StreamReport{{Stream: 1, Width: 1280, Height: 720, StartedAt: 1763708296000}}})
	app.ReportVideo(backend.VideoReport{Streams: []backend.StreamReport{remote(0, 22, 36.3, 34),
		{Stream: 2, Width: 320, Height: 180, P50Ms: 31.8, P95Ms: 46.6, Skipped: 31}}})
	app.ReportVideo(backend.VideoReport{Streams: []backend.StreamReport{remote(29, 12.5, 18, 3)}})
	app.ReportVideo(backend.VideoReport{Streams: []backend.StreamReport{remote(30, 11.5, 21, 4)}, Bridge: &backend.BridgeReport{}})
	app.ReportVideo(backend.VideoReport{Streams: []backend.StreamReport{remote(28, 13, 17, 6, 2.5, 4, 8, 15, 1.5, 3)}})
	app.ReportVideo(backend.VideoReport{Streams: []backend.StreamReport{remote(28, 13, 17, 6, 3.5, 4, 6, 15, 2.5, 3)}})
	// A line the window was still writing when the file was read.
	out.WriteString(`{"at":1763708321000,"streams":[{"name":"remote","stream":1,`)
	return out.Bytes()
}

func TestWindowReports(t *testing.T) {
	lines, err := decodeReports(windowLog(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 6 {
		t.Fatalf("%d lines decoded, want 6 (the unfinished one left out)", len(lines))
	}
	reps := windowReports(lines, "remote")
	if len(reps) != 5 || reps[1] != (windowReport{size: "1280x720", fps: 29, p50: 12.5, p95: 18}) {
		t.Fatalf("remote reports %+v", reps)
	}
	if local := windowReports(lines, "local"); len(local) != 1 || local[0].size != "320x180" {
		t.Fatalf("local reports %+v", local)
	}
	if r := reps[4]; r.transit != 3.5 || r.wait != 6 || r.drawn != 2.5 {
		t.Fatalf("stages of %+v", r)
	}
	row := summarizeWindow("720p", reps[1:4])
	if math.Abs(row.FPS-29) > 1e-9 || row.MS.Median != 12.5 || row.MS.P95 != 18 || row.MS.Min != 11.5 || row.MS.Max != 21 || row.MS.N != 435 {
		t.Fatalf("row %+v", row)
	}
	if row.Where != "WebKit window (production build), drawn at [1280x720]" {
		t.Fatalf("where %q", row.Where)
	}
}

func TestDecodeReportsRefusesAnotherFormat(t *testing.T) {
	if _, err := decodeReports([]byte("time=2026-11-21T06:58:26.000Z level=INFO msg=\"window video\" stream=remote\n")); err == nil {
		t.Fatal("a log line decoded as a report")
	}
}
