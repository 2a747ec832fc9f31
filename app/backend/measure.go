package backend

// The window's measurement hooks, kept out of the product paths: the page's
// drawing reports (frontend/js/report.js sends them), written to the log
// for users' bug reports and as JSON lines for benchmarks (--report-json),
// and the stamp timing benchmarks turn on with --stamp-latency.

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/stamp"
)

// VideoReport is the page's account of its drawing (frontend/js/report.js
// sends one every 5 s). The real WebKit window cannot be scripted from
// outside, so this is how its frame rate and latency are measured.
type VideoReport struct {
	Streams []StreamReport `json:"streams"`
	// Bridge is the page's frame-bridge connection since the previous
	// report; nil in the report of a stream's start.
	Bridge *BridgeReport `json:"bridge,omitempty"`
}

// BridgeReport says what went wrong between the page and the frame bridge
// since the previous report. Both are zero while frames flow as they
// should; otherwise the page shows a frozen or blank picture, and this is
// the one place the window's log can say why.
type BridgeReport struct {
	Reconnects int    `json:"reconnects"` // connections opened after the page's first
	Rejected   int    `json:"rejected"`   // frame messages the page could not parse
	LastError  string `json:"lastError"`  // the page's last reason, e.g. "socket closed (1003 …)"
}

// StreamReport is one pane's drawing since the previous report.
type StreamReport struct {
	Stream  int     `json:"stream"` // 1 remote, 2 local
	Width   int     `json:"width"`
	Height  int     `json:"height"`
	FPS     float64 `json:"fps"`
	P50Ms   float64 `json:"p50Ms"` // capture (local) or decode (remote) to drawn
	P95Ms   float64 `json:"p95Ms"`
	Skipped int     `json:"skipped"`
	// Where the drawn frames' time went, [p50, p95] in ms each: bridge send
	// → page receives (Transit), received → requestAnimationFrame draws it
	// (Wait), and the draw call itself (Draw).
	TransitMs [2]float64 `json:"transitMs"`
	WaitMs    [2]float64 `json:"waitMs"`
	DrawMs    [2]float64 `json:"drawMs"`
	// StartedAt is set only in the report the page sends the moment a
	// stream's first picture is drawn (ms since the epoch); its figures are
	// zero. Benchmarks take call setup from it.
	StartedAt int64 `json:"startedAt"`
}

// ReportLine is one line of the --report-json file: a VideoReport as it
// reached Go, without the panes that show nothing. The benchmarks decode
// these lines (bench/cmd/parley-bench, bench/web/desktop.mjs) rather than
// the log, whose wording is for people.
type ReportLine struct {
	At      int64         `json:"at"` // ms since the epoch, when Go received the report
	Streams []NamedStream `json:"streams"`
	Bridge  *BridgeReport `json:"bridge,omitempty"`
}

// NamedStream is a StreamReport with its stream's name, "remote" or "local".
type NamedStream struct {
	Name string `json:"name"`
	StreamReport
}

// pair formats a [p50, p95] as "p50/p95".
func pair(p [2]float64) string { return fmt.Sprintf("%.1f/%.1f", p[0], p[1]) }

// ReportVideo logs the page's drawing figures for panes that are showing
// something, and a warning when its frame-bridge connection had trouble;
// with Options.Reports it also writes the report there as a ReportLine.
func (a *App) ReportVideo(r VideoReport) {
	line := ReportLine{At: time.Now().UnixMilli(), Streams: []NamedStream{}, Bridge: r.Bridge}
	if b := r.Bridge; b != nil && (b.Reconnects > 0 || b.Rejected > 0) {
		a.log.Warn("window frame bridge trouble", "reconnects", b.Reconnects, "rejected", b.Rejected, "last_error", b.LastError)
	}
	for _, s := range r.Streams {
		if s.Width == 0 {
			continue
		}
		name := frames.Stream(s.Stream).String()
		line.Streams = append(line.Streams, NamedStream{Name: name, StreamReport: s})
		if s.StartedAt != 0 {
			a.log.Info("window video started", "stream", name, "size", fmt.Sprintf("%dx%d", s.Width, s.Height), "at_ms", s.StartedAt)
			continue
		}
		a.log.Info("window video", "stream", name, "size", fmt.Sprintf("%dx%d", s.Width, s.Height),
			"fps", fmt.Sprintf("%.1f", s.FPS), "p50_ms", fmt.Sprintf("%.1f", s.P50Ms), "p95_ms", fmt.Sprintf("%.1f", s.P95Ms), "skipped", s.Skipped,
			"transit_ms", pair(s.TransitMs), "wait_ms", pair(s.WaitMs), "draw_ms", pair(s.DrawMs))
	}
	a.writeReport(line)
}

// writeReport appends line to Options.Reports, if set, as one JSON line.
// The page's reports come on several goroutines; the lock keeps each line
// whole.
func (a *App) writeReport(line ReportLine) {
	if a.opts.Reports == nil {
		return
	}
	b, err := json.Marshal(line)
	if err != nil {
		a.log.Warn("window report not written", "err", err)
		return
	}
	a.reportMu.Lock()
	defer a.reportMu.Unlock()
	if _, err := a.opts.Reports.Write(append(b, '\n')); err != nil {
		a.log.Warn("window report not written", "err", err)
	}
}

// stampTimes is the frame sink in front of the bridge when
// Options.StampLatency is set: a remote picture that carries a test
// camera's stamp (app/media/stamp; Parley's test cameras and the
// benchmark's Chromium canvas camera draw it) is passed on with the
// sender's capture time instead of its decode time. The page measures
// latency from that field, so its report becomes glass to glass (sender
// capture → drawn in this window), which is the figure benchmarks compare
// with Chromium's. Frames without a readable stamp pass unchanged.
type stampTimes struct{ next frames.Sink }

func (s stampTimes) WriteFrame(st frames.Stream, f *frames.Frame) {
	if st == frames.Remote {
		if c, ok := stamp.Decode(f.Y, f.Width, f.Height, f.Width); ok {
			g := *f
			g.Captured = c.Captured()
			f = &g
		}
	}
	s.next.WriteFrame(st, f)
}

// frameSink is where the engine's pictures go: the bridge, behind
// stampTimes when benchmarks asked for it.
func (a *App) frameSink() frames.Sink {
	if a.opts.StampLatency {
		return stampTimes{next: a.bridge}
	}
	return a.bridge
}
