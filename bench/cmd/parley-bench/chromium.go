package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/parleyhq/parley/app/media/testmedia"
)

// pageSpec and chromiumConfig mirror the Config of bench/web/chromium.mjs.
type pageSpec struct {
	Name   string `json:"name"`
	Camera int    `json:"camera"`
	Call   string `json:"call,omitempty"`
}

type chromiumConfig struct {
	Signal      string     `json:"signal"`
	Chromium    string     `json:"chromium"`
	Pages       []pageSpec `json:"pages"`
	Width       int        `json:"width"`
	Height      int        `json:"height"`
	FPS         int        `json:"fps"`
	ClockSkew   float64    `json:"clockSkew"`
	Hold        int64      `json:"hold"`
	FullResWait int64      `json:"fullResWait,omitempty"`
	Warmup      int64      `json:"warmup"`
	Timeout     int64      `json:"timeout"`
	CodecWindow int64      `json:"codecWindow,omitempty"`
}

// pageResult is one page's probe (times are Unix milliseconds, 0 = never).
type pageResult struct {
	Name         string    `json:"name"`
	ClickAt      int64     `json:"clickAt"`
	AcceptAt     int64     `json:"acceptAt"`
	FirstFrameAt int64     `json:"firstFrameAt"`
	FullResAt    int64     `json:"fullResAt"`
	Frames       int       `json:"frames"`
	Stamped      int       `json:"stamped"`
	Sent         int       `json:"sent"`
	Width        int       `json:"width"`
	Height       int       `json:"height"`
	Latencies    []float64 `json:"latencies"`
	// Held is, for the same frames, the part of the latency from the
	// frame's last packet arriving to its presentation.
	Held []float64 `json:"held"`
	// FullWidth are the latencies of the frames that came at the call's
	// full width.
	FullWidth []float64 `json:"fullWidth"`
	// FPS is the rate at which stamped frames were presented, after warmup.
	FPS float64 `json:"fps"`
	// Chromium's codec time per frame over the call's last seconds, and
	// the width it was sending.
	EncodeMsPerFrame float64 `json:"encodeMsPerFrame"`
	DecodeMsPerFrame float64 `json:"decodeMsPerFrame"`
	SendWidth        int     `json:"sendWidth"`
	// Chromium's receive path over the same seconds, per frame.
	JitterBufferMs float64 `json:"jitterBufferMs"`
	JitterTargetMs float64 `json:"jitterTargetMs"`
	// JitterMinimumMs is the target the network alone would set; the
	// rest is lip sync's.
	JitterMinimumMs float64 `json:"jitterMinimumMs"`
	AssemblyMs      float64 `json:"assemblyMs"`
	// AudioJitterBufferMs is the audio jitter buffer's delay per sample:
	// Chromium delays video to match it when both are in one stream.
	AudioJitterBufferMs float64 `json:"audioJitterBufferMs"`
}

type chromiumEvent struct {
	Event string            `json:"event"`
	Names map[string]string `json:"names"`
	At    int64             `json:"at"`
	Pages []pageResult      `json:"pages"`
	Text  string            `json:"text"`
}

// chromiumRun is a running bench/web/chromium.mjs.
type chromiumRun struct {
	cmd    *exec.Cmd
	events chan chromiumEvent
	stderr bytes.Buffer
	done   chan struct{}
}

// startChromium runs the node driver for one call. Its events arrive on
// run.events, which is closed when the script's stdout ends.
func startChromium(ctx context.Context, env *env, cfg chromiumConfig) (*chromiumRun, error) {
	cfg.Chromium = env.chromium
	cfg.ClockSkew = testmedia.ClockSkew
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	r := &chromiumRun{events: make(chan chromiumEvent, 8), done: make(chan struct{})}
	r.cmd = exec.CommandContext(ctx, env.node, filepath.Join(env.root, "bench/web/chromium.mjs"), string(b))
	r.cmd.Stderr = &r.stderr
	r.cmd.WaitDelay = 10 * time.Second
	// The script exits when its stdin closes, so a dying harness takes the
	// browsers with it.
	if _, err := r.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := r.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := r.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		defer close(r.done)
		defer close(r.events)
		scanLines(out, func(b []byte) {
			var ev chromiumEvent
			if json.Unmarshal(b, &ev) == nil {
				r.events <- ev
			}
		})
	}()
	return r, nil
}

// pid is the node process; Chromium's processes are its descendants.
func (r *chromiumRun) pid() int { return r.cmd.Process.Pid }

// next returns the next event, failing on an "error" event or the end of
// the script.
func (r *chromiumRun) next(want string) (chromiumEvent, error) {
	for ev := range r.events {
		switch ev.Event {
		case want:
			return ev, nil
		case "error":
			return ev, fmt.Errorf("chromium driver: %s", ev.Text)
		}
	}
	return chromiumEvent{}, fmt.Errorf("chromium driver ended before %q: %s", want, lastLines(r.stderr.String(), 5))
}

// wait waits for the script to exit.
func (r *chromiumRun) wait() error {
	for range r.events {
	}
	<-r.done
	err := r.cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return fmt.Errorf("chromium driver: %v: %s", err, lastLines(r.stderr.String(), 5))
	}
	return err
}

// scanLines calls fn with each line of r (up to 16 MiB: results carry
// every frame's latency).
func scanLines(r io.Reader, fn func([]byte)) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		fn(sc.Bytes())
	}
}

func lastLines(s string, n int) string {
	lines := bytes.Split(bytes.TrimSpace([]byte(s)), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte(" | ")))
}
