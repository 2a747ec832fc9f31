package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"time"
)

// xvfb is a virtual X server for a real window on a machine without a
// display.
type xvfb struct {
	display string
	cmd     *exec.Cmd
	exited  chan struct{}
}

// startXvfb starts Xvfb on a free display number with a 1280×800 screen,
// the size the tests and the screenshot use.
func startXvfb(ctx context.Context) (*xvfb, error) {
	for range 5 {
		n := 100 + rand.IntN(800)
		if exists(fmt.Sprintf("/tmp/.X11-unix/X%d", n)) || exists(fmt.Sprintf("/tmp/.X%d-lock", n)) {
			continue
		}
		x := &xvfb{display: fmt.Sprintf(":%d", n), exited: make(chan struct{})}
		x.cmd = exec.CommandContext(ctx, "Xvfb", x.display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
		if err := x.cmd.Start(); err != nil {
			return nil, fmt.Errorf("Xvfb: %w", err)
		}
		go func() { _ = x.cmd.Wait(); close(x.exited) }()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			select {
			case <-x.exited:
			default:
				if exists(fmt.Sprintf("/tmp/.X11-unix/X%d", n)) {
					return x, nil
				}
				continue
			}
			break
		}
		x.stop()
	}
	return nil, errors.New("could not start Xvfb")
}

func (x *xvfb) stop() {
	_ = x.cmd.Process.Kill()
	<-x.exited
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
