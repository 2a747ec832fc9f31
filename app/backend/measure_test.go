package backend

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/stamp"
)

func TestStampTimesUsesTheSendersCaptureTime(t *testing.T) {
	const w, h = 640, 360
	newFrame := func() *frames.Frame {
		f := &frames.Frame{Width: w, Height: h, Y: make([]byte, w*h), U: make([]byte, w*h/4), V: make([]byte, w*h/4)}
		for i := range f.Y {
			f.Y[i] = 128
		}
		f.Captured = time.Now()
		return f
	}
	var got []time.Time
	sink := stampTimes{next: frames.SinkFunc(func(_ frames.Stream, f *frames.Frame) { got = append(got, f.Captured) })}

	sent := time.UnixMilli(time.Now().Add(-80 * time.Millisecond).UnixMilli())
	stamped := newFrame()
	if err := stamp.Encode(stamped.Y, w, h, w, stamp.Code{Camera: 1, Seq: 7, CapturedMS: sent.UnixMilli()}); err != nil {
		t.Fatal(err)
	}
	decodedAt := stamped.Captured
	sink.WriteFrame(frames.Remote, stamped)
	plain := newFrame()
	sink.WriteFrame(frames.Remote, plain)
	sink.WriteFrame(frames.Local, stamped) // the preview keeps its own capture time

	if !got[0].Equal(sent) {
		t.Errorf("stamped remote frame timed %v, want the stamp's %v", got[0], sent)
	}
	if !stamped.Captured.Equal(decodedAt) {
		t.Error("the engine's frame was modified; the other sinks share it")
	}
	if !got[1].Equal(plain.Captured) || !got[2].Equal(stamped.Captured) {
		t.Errorf("unstamped or local frames retimed: %v, %v", got[1], got[2])
	}
}

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

// The same reports, written for benchmarks: one JSON line each, with the
// streams named and the empty pane left out, decoding back to the report.
func TestReportVideoWritesJSONLines(t *testing.T) {
	var out bytes.Buffer
	a := &App{log: slog.New(slog.DiscardHandler), opts: Options{Reports: &out}}
	start := StreamReport{Stream: 1, Width: 1280, Height: 720, StartedAt: 1763700000123}
	a.ReportVideo(VideoReport{Streams: []StreamReport{start}})
	drawn := StreamReport{Stream: 1, Width: 1280, Height: 720, FPS: 29.5, P50Ms: 12.25, P95Ms: 18, Skipped: 3,
		TransitMs: [2]float64{1.5, 3}, WaitMs: [2]float64{7, 15.5}, DrawMs: [2]float64{2, 4}}
	trouble := &BridgeReport{Reconnects: 2, Rejected: 1, LastError: "socket closed"}
	before := time.Now().UnixMilli()
	a.ReportVideo(VideoReport{Streams: []StreamReport{drawn, {Stream: 2}}, Bridge: trouble})

	lines := strings.Split(out.String(), "\n")
	if len(lines) != 3 || lines[2] != "" {
		t.Fatalf("want two newline-terminated lines, got %q", out.String())
	}
	var first, second ReportLine
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatal(err)
	}
	if len(first.Streams) != 1 || first.Streams[0] != (NamedStream{Name: "remote", StreamReport: start}) || first.Bridge != nil {
		t.Errorf("start line %+v", first)
	}
	if len(second.Streams) != 1 || second.Streams[0] != (NamedStream{Name: "remote", StreamReport: drawn}) ||
		second.Bridge == nil || *second.Bridge != *trouble {
		t.Errorf("report line %+v", second)
	}
	if second.At < before || second.At > time.Now().UnixMilli() {
		t.Errorf("at %d, want the time Go received the report", second.At)
	}
	if !strings.Contains(lines[1], `"name":"remote","stream":1,"width":1280`) {
		t.Errorf("the stream's fields are not flat beside its name: %s", lines[1])
	}
}
