package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley/bench/internal/procstat"
	"github.com/parleyhq/parley/bench/internal/stats"
)

// A measured call: one call per case and size, long enough for steady
// latency figures, CPU sampling and (at 720p) Chromium's resolution ramp.
type callPlan struct {
	Size          string
	Width, Height int
	Hold          time.Duration // in the call after video flows
	CPUWindow     time.Duration // 0: no CPU sampling
	FullResWait   time.Duration // 0: do not wait for full resolution
	Warmup        time.Duration // left out of latency figures
}

// callOut is what one measured call produced.
type callOut struct {
	glass   []GlassRow
	fullRes []FullResRow
	cpu     []CPURow
	codec   []CodecRow
	receive []ReceiveRow
	// fps is the rate at which the receivers presented stamped frames
	// (case (a): the mean of both pages).
	fps float64
}

// sampleFrom starts sampling the process trees under pids for window and
// returns a channel that delivers the usage.
func sampleFrom(ctx context.Context, window time.Duration, pids ...int) <-chan []procstat.Usage {
	ch := make(chan []procstat.Usage, 1)
	if window <= 0 {
		close(ch)
		return ch
	}
	go func() {
		wctx, cancel := context.WithTimeout(ctx, window)
		defer cancel()
		ch <- procstat.Sample(wctx, "/proc", pids, 500*time.Millisecond)
	}()
	return ch
}

// chromiumOnly drops the node driver (Playwright's side of the harness)
// from a usage list, keeping Chromium's processes.
func chromiumOnly(us []procstat.Usage) []procstat.Usage {
	var out []procstat.Usage
	for _, u := range us {
		if !strings.HasPrefix(u.Role, "node") {
			out = append(out, u)
		}
	}
	return out
}

func ms(d time.Duration) int64 { return d.Milliseconds() }

// callChromium is case (a) for one plan.
func callChromium(ctx context.Context, env *env, p callPlan) (callOut, error) {
	var out callOut
	r, err := startChromium(ctx, env, chromiumConfig{
		Signal: env.signal.httpURL(), Pages: []pageSpec{{Name: "ga" + p.Size, Camera: 21, Call: "gb" + p.Size}, {Name: "gb" + p.Size, Camera: 22}},
		Width: p.Width, Height: p.Height, FPS: 30, Hold: ms(p.Hold), FullResWait: ms(p.FullResWait), Warmup: ms(p.Warmup),
		Timeout: 30000, CodecWindow: 3000,
	})
	if err != nil {
		return out, err
	}
	res, err := func() (chromiumEvent, error) {
		if _, err := r.next("flowing"); err != nil {
			return chromiumEvent{}, err
		}
		usage := sampleFrom(ctx, p.CPUWindow, r.pid())
		res, err := r.next("result")
		if us, ok := <-usage; ok {
			us = chromiumOnly(us)
			out.cpu = append(out.cpu, byRole("a", us, "chromium ×2: ")...)
			tot := procstat.Total(us)
			out.cpu = append(out.cpu, CPURow{Case: "a", Process: "one Chromium browser (total ÷ 2)", CPU: tot.CPU / 2, RSSMiB: tot.MaxRSSMiB / 2})
		}
		return res, err
	}()
	if err = errors.Join(err, r.wait()); err != nil {
		return out, err
	}
	caller, callee := res.Pages[0], res.Pages[1]
	out.glass = append(out.glass, GlassRow{Size: p.Size, Case: "a", Direction: "Chromium→Chromium",
		MS:   stats.Summarize(slices.Concat(caller.Latencies, callee.Latencies)),
		Held: optSummary(slices.Concat(caller.Held, callee.Held)),
		Full: optSummary(slices.Concat(caller.FullWidth, callee.FullWidth)), Where: "presented"})
	if p.FullResWait > 0 {
		out.fullRes = append(out.fullRes, fullRes("Chromium→Chromium", caller.ClickAt, callee, p))
	}
	out.fps = (caller.FPS + callee.FPS) / 2
	out.receive = append(out.receive, receiveRow(p.Size, "Chromium", callee))
	if p.CPUWindow > 0 {
		out.codec = append(out.codec,
			CodecRow{Name: fmt.Sprintf("Chromium in call: VP8 encode at %d px wide", caller.SendWidth), MsPerFrame: caller.EncodeMsPerFrame},
			CodecRow{Name: fmt.Sprintf("Chromium in call: VP8 decode at %d px wide", caller.Width), MsPerFrame: caller.DecodeMsPerFrame})
	}
	return out, nil
}

// optSummary summarizes figures a receiver may not have (receive times,
// full-width frames): nil when there are none.
func optSummary(xs []float64) *stats.Summary {
	if len(xs) == 0 {
		return nil
	}
	s := stats.Summarize(xs)
	return &s
}

func receiveRow(size, sender string, rx pageResult) ReceiveRow {
	return ReceiveRow{Size: size, Sender: sender, JitterBufferMs: rx.JitterBufferMs, JitterTargetMs: rx.JitterTargetMs, JitterMinimumMs: rx.JitterMinimumMs,
		AssemblyMs: rx.AssemblyMs, DecodeMs: rx.DecodeMsPerFrame, AudioJitterMs: rx.AudioJitterBufferMs}
}

func fullRes(dir string, startMS int64, rx pageResult, p callPlan) FullResRow {
	row := FullResRow{Direction: dir, Seconds: -1, Width: rx.Width, WaitedS: max(p.Hold, p.FullResWait).Seconds()}
	if rx.FullResAt > 0 && startMS > 0 {
		row.Seconds = float64(rx.FullResAt-startMS) / 1000
	}
	return row
}

// callParleyChromium is case (b): bin/parley --headless calls a Chromium page.
func callParleyChromium(ctx context.Context, env *env, p callPlan) (callOut, error) {
	var out callOut
	page := "gc" + p.Size
	r, err := startChromium(ctx, env, chromiumConfig{
		Signal: env.signal.httpURL(), Pages: []pageSpec{{Name: page, Camera: 23}},
		Width: p.Width, Height: p.Height, FPS: 30, Hold: ms(p.Hold), FullResWait: ms(p.FullResWait), Warmup: ms(p.Warmup),
		Timeout: 30000, CodecWindow: 3000,
	})
	if err != nil {
		return out, err
	}
	var h *headlessRun
	res, err := func() (chromiumEvent, error) {
		ready, err := r.next("ready")
		if err != nil {
			return chromiumEvent{}, err
		}
		h, err = startHeadless(ctx, env, env.signal.wsURL(), headlessOpts{Name: "gp" + p.Size, Call: ready.Names[page],
			Width: p.Width, Height: p.Height, Duration: p.Hold + p.FullResWait + 30*time.Second})
		if err != nil {
			return chromiumEvent{}, err
		}
		if _, err := r.next("flowing"); err != nil {
			return chromiumEvent{}, err
		}
		usage := sampleFrom(ctx, p.CPUWindow, r.pid(), h.pid())
		res, err := r.next("result")
		if us, ok := <-usage; ok {
			us = chromiumOnly(us)
			out.cpu = append(out.cpu, byRole("b", us, "")...)
		}
		return res, err
	}()
	err = errors.Join(err, r.wait())
	var hr *headlessResult
	if h != nil {
		var herr error
		hr, herr = h.wait()
		err = errors.Join(err, herr)
	}
	if err != nil {
		return out, err
	}
	rx := res.Pages[0]
	out.glass = append(out.glass,
		GlassRow{Size: p.Size, Case: "b", Direction: "Parley→Chromium", MS: stats.Summarize(rx.Latencies),
			Held: optSummary(rx.Held), Full: optSummary(rx.FullWidth), Where: "presented"},
		headlessGlass(p.Size, "b", "Chromium→Parley", hr))
	out.receive = append(out.receive, receiveRow(p.Size, "Parley", rx))
	if p.FullResWait > 0 {
		callAt, _ := h.times()
		out.fullRes = append(out.fullRes, fullRes("Parley→Chromium", callAt.UnixMilli(), rx, p))
	}
	return out, nil
}

func headlessGlass(size, c, dir string, hr *headlessResult) GlassRow {
	return GlassRow{Size: size, Case: c, Direction: dir, Where: "decoded", Only50and95: true,
		MS: stats.Summary{N: int(hr.StampedFrames), Median: hr.LatencyP50Ms, P95: hr.LatencyP95Ms}}
}

// callParleyParley is case (c): two bin/parley --headless processes.
func callParleyParley(ctx context.Context, env *env, p callPlan) (callOut, error) {
	var out callOut
	callee, err := startHeadless(ctx, env, env.signal.wsURL(), headlessOpts{Name: "hb" + p.Size, Width: p.Width, Height: p.Height, Duration: p.Hold + 30*time.Second})
	if err != nil {
		return out, err
	}
	caller, err := startHeadless(ctx, env, env.signal.wsURL(), headlessOpts{Name: "ha" + p.Size, Call: "hb" + p.Size, Width: p.Width, Height: p.Height, Duration: p.Hold})
	if err != nil {
		_, werr := callee.wait()
		return out, errors.Join(err, werr)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, in := caller.times(); !in.IsZero() || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if us, ok := <-sampleFrom(ctx, min(p.CPUWindow, p.Hold), caller.pid(), callee.pid()); ok {
		for _, u := range us {
			name := "parley (caller)"
			if u.PID == callee.pid() {
				name = "parley (callee)"
			}
			out.cpu = append(out.cpu, CPURow{Case: "c", Process: name, CPU: u.CPU, RSSMiB: u.MaxRSSMiB})
		}
	}
	ra, errA := caller.wait()
	rb, errB := callee.wait()
	if err := errors.Join(errA, errB); err != nil {
		return out, err
	}
	out.glass = append(out.glass, headlessGlass(p.Size, "c", "Parley callee→caller", ra), headlessGlass(p.Size, "c", "Parley caller→callee", rb))
	return out, nil
}
