package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// headlessOpts are the flags of one `parley --headless` run.
type headlessOpts struct {
	Name, Call    string
	Width, Height int
	Duration      time.Duration
}

// headlessResult is the part of the headless peer's --stats-json the
// benchmark reads (app/engine/headless.Result).
type headlessResult struct {
	Connected     bool    `json:"connected"`
	FramesDecoded uint64  `json:"framesDecoded"`
	StampedFrames uint64  `json:"stampedFrames"`
	Width         int     `json:"width"`
	Height        int     `json:"height"`
	LatencyP50Ms  float64 `json:"latencyP50Ms"`
	LatencyP95Ms  float64 `json:"latencyP95Ms"`
	EndReason     string  `json:"endReason"`
}

// headlessRun is a running bin/parley --headless. It timestamps the event
// lines the binary prints, since they carry no time of their own.
type headlessRun struct {
	cmd      *exec.Cmd
	stats    string
	stderr   bytes.Buffer
	mu       sync.Mutex
	callAt   time.Time
	inCallAt time.Time
	scanned  chan struct{}
}

func startHeadless(ctx context.Context, env *env, serverWS string, o headlessOpts) (*headlessRun, error) {
	r := &headlessRun{stats: filepath.Join(env.tmp, o.Name+".json"), scanned: make(chan struct{})}
	args := []string{"--headless", "--server", serverWS, "--name", o.Name, "--fake-media",
		"--width", strconv.Itoa(o.Width), "--height", strconv.Itoa(o.Height),
		"--duration", o.Duration.String(), "--wait", "60s", "--stats-json", r.stats}
	if o.Call != "" {
		args = append(args, "--call", o.Call)
	} else {
		args = append(args, "--auto-answer")
	}
	r.cmd = exec.CommandContext(ctx, filepath.Join(env.bin, "parley"), args...)
	r.cmd.Stderr = &r.stderr
	r.cmd.WaitDelay = 10 * time.Second
	out, err := r.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := r.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		defer close(r.scanned)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			now := time.Now()
			kind, body, _ := strings.Cut(sc.Text(), " ")
			if kind != "state" {
				continue
			}
			var st struct {
				State string `json:"state"`
			}
			if json.Unmarshal([]byte(body), &st) != nil {
				continue
			}
			r.mu.Lock()
			switch {
			case st.State == "calling" && r.callAt.IsZero():
				r.callAt = now
			case st.State == "in-call" && r.inCallAt.IsZero():
				r.inCallAt = now
			}
			r.mu.Unlock()
		}
	}()
	return r, nil
}

func (r *headlessRun) pid() int { return r.cmd.Process.Pid }

// times returns when the binary reported calling and in-call.
func (r *headlessRun) times() (callAt, inCallAt time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.callAt, r.inCallAt
}

// wait waits for the binary to exit and reads its result.
func (r *headlessRun) wait() (*headlessResult, error) {
	<-r.scanned
	err := r.cmd.Wait()
	b, rerr := os.ReadFile(r.stats)
	if rerr != nil {
		return nil, fmt.Errorf("parley --headless: %v, no stats (%v): %s", err, rerr, lastLines(r.stderr.String(), 5))
	}
	var res headlessResult
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("parley --headless stats: %w", err)
	}
	return &res, nil
}
