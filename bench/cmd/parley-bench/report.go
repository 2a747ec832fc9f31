package main

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/bench/internal/stats"
)

// markdown renders the results as the tables make bench prints, each
// figure with its ratio to the Chromium figure of the same run.
func markdown(r *Results) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("# Parley vs Chromium, %s (%d CPUs, %s, %s)\n", r.Started.Format("2006-01-02 15:04 UTC"), r.Machine.CPUs, r.Machine.Chromium, r.Machine.Go)
	if r.Smoke {
		w("\nSMOKE RUN: one pass of each kind, figures are not meaningful.\n")
	}

	w("\n## Call setup (ms, caller: call placed → first remote picture; target ratio ≤ 1.0)\n\n")
	w("| Case | n | median | p95 | min | max | ratio to (a), median |\n|---|---|---|---|---|---|---|\n")
	base := r.Setup["a"].Median
	for _, c := range []struct{ key, name string }{{"a", "(a) Chromium ↔ Chromium"}, {"b", "(b) Parley headless → Chromium"}, {"c", "(c) Parley headless ↔ Parley headless"}, {"d", "(d) desktop UI ↔ Chromium"}, {"d-peer", "(d) same calls, until the Chromium peer shows the desktop's video"}} {
		s, ok := r.Setup[c.key]
		if !ok {
			continue
		}
		w("| %s | %d | %s | %s | %s | %s | %s |\n", c.name, s.N, f0(s.Median), f0(s.P95), f0(s.Min), f0(s.Max), ratio(s.Median, base))
	}

	w("\n## Glass to glass (ms, capture → presented in Chromium / decoded in headless Parley; 30 fps)\n\n")
	w("| Size | Case | Direction | taken when | frames | p50 | p95 | min | max | ratio p50 / p95 to Chromium→Chromium | p50 sender's part / receiving Chromium's |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, g := range r.Glass {
		ref := chromiumRow(r, g.Size).MS
		mn, mx := f0(g.MS.Min), f0(g.MS.Max)
		if g.Only50and95 {
			mn, mx = "–", "–"
		}
		split := "–"
		if g.Held != nil {
			split = f0(g.MS.Median-g.Held.Median) + " / " + f0(g.Held.Median)
		}
		w("| %s | (%s) | %s | %s | %d | %s | %s | %s | %s | %s / %s | %s |\n", g.Size, g.Case, g.Direction, g.Where, g.MS.N,
			f0(g.MS.Median), f0(g.MS.P95), mn, mx, ratio(g.MS.Median, ref.Median), ratio(g.MS.P95, ref.P95), split)
	}
	w("\nThe split: a frame's last packet arriving at the receiving Chromium (requestVideoFrameCallback's receiveTime). Both senders' cameras run free, %.2f%% slow (app/media/testmedia ClockSkew), so their frames meet every phase of the receiver's 60 Hz paint clock.\n", 100*testmedia.ClockSkew)
	w("\n### The same, over the frames that came at full width only\n\n")
	w("| Size | Case | Direction | frames | p50 | p95 | ratio p50 / p95 to Chromium→Chromium |\n|---|---|---|---|---|---|---|\n")
	for _, g := range r.Glass {
		if g.Full == nil {
			continue
		}
		var ref stats.Summary // zero when Chromium→Chromium never reached full width
		if a := chromiumRow(r, g.Size); a.Full != nil {
			ref = *a.Full
		}
		w("| %s | (%s) | %s | %d | %s | %s | %s / %s |\n", g.Size, g.Case, g.Direction, g.Full.N, f0(g.Full.Median), f0(g.Full.P95), ratio(g.Full.Median, ref.Median), ratio(g.Full.P95, ref.P95))
	}

	if len(r.Receive) > 0 {
		w("\n## Where a Chromium receiver holds frames (ms per frame, last seconds of the call, getStats)\n\n")
		w("| Size | Sender | video jitter buffer | its target | target without lip sync | packet assembly | decode | audio jitter buffer |\n|---|---|---|---|---|---|---|---|\n")
		for _, x := range r.Receive {
			w("| %s | %s | %s | %s | %s | %s | %s | %s |\n", x.Size, x.Sender, f1(x.JitterBufferMs), f1(x.JitterTargetMs), f1(x.JitterMinimumMs), f1(x.AssemblyMs), f1(x.DecodeMs), f1(x.AudioJitterMs))
		}
	}

	w("\n## Time to full resolution (s, call placed → receiver gets the sender's full width; target ≤ 3 s)\n\n")
	w("| Direction | seconds | last width | waited | ratio to Chromium→Chromium |\n|---|---|---|---|---|\n")
	var chromeFull float64 = math.NaN()
	for _, f := range r.FullRes {
		if f.Direction == "Chromium→Chromium" && f.Seconds >= 0 {
			chromeFull = f.Seconds
		}
	}
	for _, f := range r.FullRes {
		sec := fmt.Sprintf("%.1f", f.Seconds)
		if f.Seconds < 0 {
			sec = fmt.Sprintf("not within %.0f s", f.WaitedS)
		}
		w("| %s | %s | %d | %.0f s | %s |\n", f.Direction, sec, f.Width, f.WaitedS, ratio(f.Seconds, chromeFull))
	}

	w("\n## CPU and memory during the sampled call (%s, 30 fps; cores = share of one core; RSS peak)\n\n", cpuSize(r))
	w("| Case | Process | CPU (cores) | RSS (MiB) | CPU ratio to one Chromium browser |\n|---|---|---|---|---|\n")
	oneBrowser := math.NaN()
	for _, c := range r.CPU {
		if strings.HasPrefix(c.Process, "one Chromium browser") {
			oneBrowser = c.CPU
		}
	}
	rows := slices.Clone(r.CPU)
	slices.SortStableFunc(rows, func(a, b CPURow) int { return strings.Compare(a.Case+a.Process, b.Case+b.Process) })
	for _, c := range rows {
		w("| (%s) | %s | %.2f | %.0f | %s |\n", c.Case, c.Process, c.CPU, c.RSSMiB, ratio(c.CPU, oneBrowser))
	}

	w("\n## Frame bridge in the real window (decode → drawn by the page; medians of its 5-s reports; target 30 fps, p95 ≤ 15 ms)\n\n")
	w("| Call | Where | fps drawn | frames | p50 ms | p95 ms | best 5-s p50 | worst 5-s p95 | p50 transit / wait to draw / draw call ms |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, br := range r.Bridge {
		st := br.Stages
		w("| %s | %s | %.1f | %d | %s | %s | %s | %s | %s / %s / %s |\n", br.Size, br.Where, br.FPS, br.MS.N, f1(br.MS.Median), f1(br.MS.P95), f1(br.MS.Min), f1(br.MS.Max),
			f1(st.TransitMs), f1(st.WaitMs), f1(st.DrawMs))
	}

	w("\n## Codec cost (ms per frame; go test -bench, and Chromium's own counters in the 720p call)\n\n")
	w("| Benchmark | ms/frame |\n|---|---|\n")
	for _, c := range r.Codec {
		w("| %s | %s |\n", c.Name, f2(c.MsPerFrame))
	}

	if len(r.Sigload) > 0 {
		w("\n## Signaling load (parley-sigload)\n\n| Figure | Value |\n|---|---|\n")
		for _, k := range []string{"users_held", "join_p50_ms", "join_p99_ms", "join_total_ms", "converged_ms", "relay_per_s", "relay_p50_us", "relay_p99_us", "mem_per_conn_kb", "error_frames"} {
			if v, ok := r.Sigload[k]; ok {
				w("| %s | %v |\n", k, v)
			}
		}
	}

	if r.Sound != nil {
		soundMarkdown(w, r.Sound)
	}

	if r.Webcam != nil {
		webcamMarkdown(w, r.Webcam)
	}

	if len(r.Skipped) > 0 {
		w("\n## Skipped\n\n")
		for _, s := range r.Skipped {
			w("- %s: skipped: %s\n", s.What, s.Why)
		}
	}
	if len(r.Errors) > 0 {
		w("\n## Errors\n\n")
		for _, e := range r.Errors {
			w("- %s\n", e)
		}
	}
	return b.String()
}

// cpuSize names the size of the call whose CPU was sampled.
func cpuSize(r *Results) string {
	if r.CPUSize == "" {
		return "none"
	}
	return r.CPUSize
}

// chromiumRow is the Chromium→Chromium row at size, the reference every
// other row's ratio is to (the zero row when there is none).
func chromiumRow(r *Results, size string) GlassRow {
	for _, g := range r.Glass {
		if g.Size == size && g.Case == "a" {
			return g
		}
	}
	return GlassRow{}
}

func ratio(a, b float64) string {
	x := stats.Ratio(a, b)
	if math.IsNaN(x) || a < 0 || b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", x)
}

func f0(x float64) string { return fnum(x, 0) }
func f1(x float64) string { return fnum(x, 1) }
func f2(x float64) string { return fnum(x, 2) }

func fnum(x float64, prec int) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.*f", prec, x)
}

// webcamMarkdown renders issue 18's section: per-frame cost before/after,
// the MJPEG call's CPU against its Chromium peer, cold start and losses
// under a CPU hog.
func webcamMarkdown(w func(string, ...any), c *WebcamResults) {
	w("\n## Webcam frames (issue 18)\n")
	if len(c.PerFrame) > 0 {
		w("\n### Per frame: a webcam's frame to I420 (ms; go test -bench WebcamFrame$ ./app/media; goal MJPEG 720p ≤ 3 ms)\n\n")
		w("| Input | Parley (libjpeg-turbo, libyuv) | before (mediadevices) | before / Parley | Chromium's decoder (libyuv MJPGToI420) | Parley / Chromium |\n|---|---|---|---|---|---|\n")
		for _, p := range c.PerFrame {
			chromium, vs := "–", "–"
			if p.ChromiumMs > 0 {
				chromium, vs = f2(p.ChromiumMs), ratio(p.ParleyMs, p.ChromiumMs)
			}
			w("| %s | %s | %s | %s | %s | %s |\n", p.Name, f2(p.ParleyMs), f2(p.BeforeMs), ratio(p.BeforeMs, p.ParleyMs), chromium, vs)
		}
	}
	if len(c.CPU) > 0 {
		w("\n### CPU in case (d)'s 720p call (cores over 30 s; goal with MJPEG on both sides: desktop ≤ 0.8 × Chromium peer)\n\n")
		w("| Cameras | desktop (Go + WebKit) | Go | WebKit | Chromium peer (all its processes) | desktop / Chromium | window drew the peer's video | its stamps' age, p50 ms | the peer sent, at the end | desktop's video presented by the peer |\n|---|---|---|---|---|---|---|---|---|---|\n")
		for _, x := range c.CPU {
			w("| %s | %.2f | %.2f | %.2f | %.2f | %s | %s at %.1f fps | %s | %s at %.1f fps | %d px wide at %.1f fps |\n", x.Cameras, x.DeskCores, x.GoCores, x.WebKitCores, x.PeerCores, ratio(x.DeskCores, x.PeerCores),
				x.WindowDrawn, x.WindowFPS, f0(x.WindowStampMs), x.PeerSent, x.PeerSentFPS, x.ToChromiumWidth, x.ToChromiumFPS)
		}
		w("\nThe .mjpeg file's stamps were written when the file was: the age of those in the window's pictures (seconds, growing) shows the window draws the file, and is no latency.\n")
	}
	if len(c.ColdStart) > 0 {
		w("\n### Cold start: launch → own camera on screen (ms; MJPEG camera on both; goal desktop below Chromium)\n\n")
		w("| App | runs | median | min | max | median / Chromium's (window) |\n|---|---|---|---|---|---|\n")
		ref := c.ColdStart["chromium"].Median
		for _, a := range []struct{ key, name string }{{"desktop", "desktop app (production build)"}, {"desktop-dev", "desktop app (bin/parley-dev)"}, {"chromium", "Chromium, a window on the same display"}, {"chromium-headless", "Chromium --headless"}} {
			x, ok := c.ColdStart[a.key]
			if !ok {
				continue
			}
			w("| %s | %d | %s | %s | %s | %s |\n", a.name, x.N, f0(x.Median), f0(x.Min), f0(x.Max), ratio(x.Median, ref))
		}
	}
	if len(c.Load) > 0 {
		w("\n### Under load: 720p calls quiet and with a busy loop pinned to CPU 0 (goal: Parley loses no more than Chromium)\n\n")
		w("| Case | Direction | fps quiet → hogged | fps lost | p50 ms quiet → hogged | p95 ms quiet → hogged | p50 / p95 hogged ÷ quiet |\n|---|---|---|---|---|---|---|\n")
		for _, x := range c.Load {
			w("| (%s) | %s | %.1f → %.1f | %s | %s → %s | %s → %s | %s / %s |\n", x.Case, x.Direction, x.QuietFPS, x.HogFPS, lost(x.QuietFPS, x.HogFPS),
				f0(x.Quiet.Median), f0(x.Hog.Median), f0(x.Quiet.P95), f0(x.Hog.P95), ratio(x.Hog.Median, x.Quiet.Median), ratio(x.Hog.P95, x.Quiet.P95))
		}
	}
}

// lost is the share of quiet lost under load, as a percentage.
func lost(quiet, hogged float64) string {
	if quiet <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*(quiet-hogged)/quiet)
}
