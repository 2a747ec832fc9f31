package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley/app/backend"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/settings"
	"github.com/parleyhq/parley/bench/internal/procstat"
	"github.com/parleyhq/parley/bench/internal/stats"
)

// desktopOut is what case (d) measured.
type desktopOut struct {
	setup []float64
	// peerSetup is click → the Chromium peer's first picture of the
	// desktop's camera: setup without the desktop page's drawing.
	peerSetup []float64
	glass     []GlassRow
	fullRes   []FullResRow
	cpu       []CPURow
	// The long call's figures for the webcam section: CPU of the desktop
	// (Go + WebKit) and of the Chromium peer alone (all its processes),
	// what the window drew of the peer's video and what the peer sent, and
	// the desktop→Chromium direction as the peer presented it.
	desk        deskCPU
	window      BridgeRow
	windowSizes []string // the sizes the window drew the peer's video at
	peerWidth   int      // the last width of the desktop's video the peer presented
	peerSend    peerSend
	toChromium  pageResult
}

// deskCPU is case (d)'s CPU in cores by side; zero when not sampled.
type deskCPU struct {
	goProc, webkit, peer float64
}

// peerSend is what the Chromium peer's RTCPeerConnection sent at the end
// of the long call: the width of its video, frames encoded per second, and
// what limited its quality (getStats' qualityLimitationReason).
type peerSend struct {
	Width int     `json:"width"`
	FPS   float64 `json:"fps"`
	Limit string  `json:"limit"`
}

// deskCall is how case (d)'s long call is made.
type deskCall struct {
	// mjpeg, when set, is the .mjpeg file the peer's Chromium plays as its
	// camera, and the desktop runs with the webcam-like MJPEG camera.
	mjpeg string
	// stamped says whether Chromium→desktop latency is meaningful: false
	// with the file, whose stamps are fixed when it is written.
	stamped bool
	// maintainResolution has the peer's sender keep its resolution
	// (degradationPreference) rather than scale down.
	maintainResolution bool
}

// desktopMissing says why case (d) cannot run here, or "" when it can.
func desktopMissing(e *env) string {
	if _, err := os.Stat(filepath.Join(e.bin, "parley-dev")); err != nil {
		return "bin/parley-dev (go build -tags dev,webkit2_41) is missing or did not build"
	}
	if _, err := exec.LookPath("Xvfb"); err != nil {
		return "no X server: Xvfb is not installed"
	}
	return ""
}

// measureDesktop runs bench/web/desktop.mjs: the desktop app in a real
// WebKitGTK window on Xvfb calls a Chromium page runs times (none is fine),
// then holds one call at p's size for latency and, as p asks, CPU sampling
// and time to full resolution. The desktop's camera runs at the settings'
// size of that name (854×480 for 480p: the app offers 16:9 sizes).
func measureDesktop(ctx context.Context, e *env, runs int, p callPlan, how deskCall) (desktopOut, error) {
	var out desktopOut
	// The app's first-start settings, at the call's size.
	s := settings.Defaults()
	s.Resolution = p.Size
	if how.mjpeg != "" {
		s.Camera = testmedia.WebcamA // MJPEG at 720p30
	}
	c := map[string]any{
		"ws": e.signal.wsURL(), "http": e.signal.httpURL(), "chromium": e.chromium, "runs": runs, "settings": s,
		"width": p.Width, "height": p.Height, "clockSkew": testmedia.ClockSkew, "hold": ms(p.Hold), "fullResWait": ms(p.FullResWait), "warmup": ms(p.Warmup), "timeout": 45000,
	}
	if how.mjpeg != "" {
		c["mjpeg"] = how.mjpeg
	}
	if how.maintainResolution {
		c["maintainResolution"] = true
	}
	cfg, err := json.Marshal(c)
	if err != nil {
		return out, err
	}
	cmd := exec.CommandContext(ctx, e.node, filepath.Join(e.root, "bench/web/desktop.mjs"), string(cfg))
	r := &chromiumRun{cmd: cmd, events: make(chan chromiumEvent, 8), done: make(chan struct{})}
	type deskEvent struct {
		Event  string  `json:"event"`
		MS     float64 `json:"ms"`
		PeerMS float64 `json:"peerMs"`
		// WindowReports are the lines the window wrote to its
		// --report-json file during the hold, after warmup.
		WindowReports []backend.ReportLine `json:"windowReports"`
		// ToChromium is the peer's probe: its latencies, their held
		// parts and the full-width frames' latencies.
		ToChromium pageResult `json:"toChromium"`
		FullResS   float64    `json:"fullResS"`
		PeerWidth  int        `json:"peerWidth"`
		PeerSend   peerSend   `json:"peerSend"`
		PID        int        `json:"pid"`
		Text       string     `json:"text"`
	}
	lines, err := startLines(r)
	if err != nil {
		return out, err
	}
	var usage, peerUsage <-chan []procstat.Usage
	peerPID := 0
	var result *deskEvent
	var runErr error
	for line := range lines {
		var ev deskEvent
		if json.Unmarshal(line, &ev) != nil {
			continue
		}
		switch ev.Event {
		case "setup":
			out.setup = append(out.setup, ev.MS)
			out.peerSetup = append(out.peerSetup, ev.PeerMS)
		case "peer":
			peerPID = ev.PID
		case "flowing":
			usage = sampleFrom(ctx, p.CPUWindow, cmd.Process.Pid)
			if peerPID > 0 {
				peerUsage = sampleFrom(ctx, p.CPUWindow, peerPID)
			}
		case "result":
			result = &ev
		case "error":
			runErr = fmt.Errorf("desktop.mjs: %s", ev.Text)
		}
	}
	if usage != nil {
		if us, ok := <-usage; ok {
			out.cpu = desktopCPU(us)
			out.desk = sides(us)
		}
	}
	if peerUsage != nil {
		if us, ok := <-peerUsage; ok {
			out.desk.peer = procstat.Total(us).CPU
			out.cpu = append(out.cpu, CPURow{Case: "d", Process: "Chromium peer alone (all its processes)", CPU: out.desk.peer, RSSMiB: procstat.Total(us).MaxRSSMiB})
		}
	}
	if err := errors.Join(runErr, r.wait()); err != nil {
		return out, err
	}
	if result == nil {
		return out, errors.New("desktop.mjs: no result")
	}
	where := "presented"
	if w, h, _ := settings.Size(p.Size); w != p.Width || h != p.Height {
		where = fmt.Sprintf("presented; the desktop's camera is %d×%d, its settings' %s", w, h, p.Size)
	}
	out.toChromium, out.peerSend, out.peerWidth = result.ToChromium, result.PeerSend, result.PeerWidth
	reps := windowReports(result.WindowReports, "remote")
	if len(reps) == 0 {
		return out, errors.New("desktop.mjs: the window reported no remote drawing during the call")
	}
	w := summarizeWindow(p.Size, reps)
	out.window = w
	for _, r := range reps {
		if !slices.Contains(out.windowSizes, r.size) {
			out.windowSizes = append(out.windowSizes, r.size)
		}
	}
	if !how.stamped {
		// The MJPEG case's figures go to the webcam section only.
		return out, nil
	}
	out.glass = append(out.glass, GlassRow{Size: p.Size, Case: "d", Direction: "desktop→Chromium", MS: stats.Summarize(result.ToChromium.Latencies),
		Held: optSummary(result.ToChromium.Held), Full: optSummary(result.ToChromium.FullWidth), Where: where})
	out.glass = append(out.glass, GlassRow{Size: p.Size, Case: "d", Direction: "Chromium→desktop (bridge included)", MS: w.MS,
		Where: fmt.Sprintf("drawn in the WebKit window at %.1f fps; p50, p95: medians of its 5-s reports, min: best p50, max: worst p95", w.FPS)})
	if p.FullResWait > 0 {
		out.fullRes = append(out.fullRes, FullResRow{Direction: "desktop→Chromium", Seconds: result.FullResS, Width: result.PeerWidth, WaitedS: max(p.Hold, p.FullResWait).Seconds()})
	}
	return out, nil
}

// startLines starts r.cmd and returns its stdout lines; r.wait collects it.
func startLines(r *chromiumRun) (<-chan []byte, error) {
	r.cmd.Stderr = &r.stderr
	r.cmd.WaitDelay = 10 * time.Second
	if _, err := r.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := r.cmd.Start(); err != nil {
		return nil, err
	}
	lines := make(chan []byte, 8)
	go func() {
		defer close(r.done)
		defer close(r.events)
		defer close(lines)
		scanLines(stdout, func(b []byte) { lines <- append([]byte(nil), b...) })
	}()
	return lines, nil
}

// sides sums the desktop's processes (its Go process, and WebKit's
// helpers) out of case (d)'s usage.
func sides(us []procstat.Usage) deskCPU {
	var d deskCPU
	for _, u := range us {
		switch {
		case strings.HasPrefix(u.Role, "parley"):
			d.goProc += u.CPU
		case strings.HasPrefix(u.Role, "WebKit"):
			d.webkit += u.CPU
		}
	}
	return d
}

// desktopCPU groups the sampled processes: the desktop app (its Go process
// and WebKit's helpers), the X server, and Chromium (the peer and the
// instrument page, which are not part of the desktop's cost).
func desktopCPU(us []procstat.Usage) []CPURow {
	var goProc, webkit, xvfb, chrome procstat.Usage
	var rows []CPURow
	for _, u := range us {
		switch {
		case strings.HasPrefix(u.Role, "parley"):
			goProc.CPU += u.CPU
			goProc.MaxRSSMiB += u.MaxRSSMiB
		case strings.HasPrefix(u.Role, "WebKit"):
			webkit.CPU += u.CPU
			webkit.MaxRSSMiB += u.MaxRSSMiB
			rows = append(rows, CPURow{Case: "d", Process: u.Role, CPU: u.CPU, RSSMiB: u.MaxRSSMiB})
		case u.Role == "Xvfb":
			xvfb.CPU += u.CPU
			xvfb.MaxRSSMiB += u.MaxRSSMiB
		case strings.HasPrefix(u.Role, "node"):
		default:
			chrome.CPU += u.CPU
			chrome.MaxRSSMiB += u.MaxRSSMiB
		}
	}
	return append(rows,
		CPURow{Case: "d", Process: "parley-dev (Go)", CPU: goProc.CPU, RSSMiB: goProc.MaxRSSMiB},
		CPURow{Case: "d", Process: "desktop total (Go + WebKit)", CPU: goProc.CPU + webkit.CPU, RSSMiB: goProc.MaxRSSMiB + webkit.MaxRSSMiB},
		CPURow{Case: "d", Process: "Xvfb (X server, not counted)", CPU: xvfb.CPU, RSSMiB: xvfb.MaxRSSMiB},
		CPURow{Case: "d", Process: "Chromium peer + instrument page (not counted)", CPU: chrome.CPU, RSSMiB: chrome.MaxRSSMiB})
}
