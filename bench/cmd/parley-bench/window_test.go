package main

import (
	"math"
	"testing"
)

const windowLog = `time=2026-11-21T06:58:16.526Z level=WARN msg="Failed to ping" component=engine
time=2026-11-21T06:58:21.000Z level=INFO msg="window video" stream=remote size=1280x720 fps=0.0 p50_ms=22.0 p95_ms=36.3 skipped=34
time=2026-11-21T06:58:21.000Z level=INFO msg="window video" stream=local size=320x180 fps=0.0 p50_ms=31.8 p95_ms=46.6 skipped=31
time=2026-11-21T06:58:26.000Z level=INFO msg="window video" stream=remote size=1280x720 fps=29.0 p50_ms=12.5 p95_ms=18.0 skipped=3
time=2026-11-21T06:58:31.000Z level=INFO msg="window video" stream=remote size=1280x720 fps=30.0 p50_ms=11.5 p95_ms=21.0 skipped=4
time=2026-11-21T06:58:36.000Z level=INFO msg="window video" stream=remote size=1280x720 fps=28.0 p50_ms=13.0 p95_ms=17.0 skipped=6 transit_ms=2.5/4.0 wait_ms=8.0/15.0 draw_ms=1.5/3.0
time=2026-11-21T06:58:41.000Z level=INFO msg="window video" stream=remote size=1280x720 fps=28.0 p50_ms=13.0 p95_ms=17.0 skipped=6 transit_ms=3.5/4.0 wait_ms=6.0/15.0 draw_ms=2.5/3.0
`

func TestWindowReports(t *testing.T) {
	reps := windowReports(windowLog, "remote")
	if len(reps) != 5 || reps[1] != (windowReport{size: "1280x720", fps: 29, p50: 12.5, p95: 18}) {
		t.Fatalf("remote reports %+v", reps)
	}
	if local := windowReports(windowLog, "local"); len(local) != 1 || local[0].size != "320x180" {
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
