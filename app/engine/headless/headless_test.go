package headless_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/engine/headless"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/internal/syncbuf"
	"github.com/parleyhq/parley/internal/testsignal"
	"github.com/parleyhq/parley/signaling/server"
)

// The second peer runs in a child process (this test binary, re-executed),
// as the real binary would: it has its own devices (the test tone is one
// per process) and can be killed outright.
const childEnv = "PARLEY_HEADLESS_CHILD"

func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		var o headless.Options
		if err := json.Unmarshal([]byte(args), &o); err != nil {
			os.Exit(2)
		}
		o.Out = os.Stdout
		res, err := headless.Run(context.Background(), o)
		if err != nil || res == nil || !res.MediaFlowed() {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func startServer(t *testing.T) string {
	t.Helper()
	return testsignal.Start(t, server.Config{}).URL()
}

// startChild runs a headless peer in a child process and returns it and
// its output.
func startChild(t *testing.T, o headless.Options) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	args, _ := json.Marshal(o)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(args))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd, &out
}

// Bob's camera is the webcam-like one, sending MJPEG at 720p without
// Huffman tables, as most USB webcams do: its frames take the real
// webcam path (Parley's V4L2 driver, libjpeg-turbo) before the encoder.
func TestHeadlessPeersCarryVideoAndToneBothWays(t *testing.T) {
	url := startServer(t)
	dir := t.TempDir()
	bobStats := filepath.Join(dir, "bob.json")
	bob, bobOut := startChild(t, headless.Options{
		Server: url, Name: "bob", AutoAnswer: true, FakeMedia: true, FakeWebcam: true,
		Camera: testmedia.WebcamA, Width: 1280, Height: 720,
		Duration: 4 * time.Second, Wait: 60 * time.Second, StatsJSON: bobStats,
	})
	var events bytes.Buffer
	alice, err := headless.Run(context.Background(), headless.Options{
		Server: url, Name: "alice", Call: "bob", FakeMedia: true,
		Camera: testmedia.CameraB, Width: 320, Height: 240,
		Duration: 4 * time.Second, Wait: 60 * time.Second, Out: &events,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := bob.Wait(); err != nil {
		t.Fatalf("bob exited with %v:\n%s", err, bobOut)
	}
	var bobRes headless.Result
	b, err := os.ReadFile(bobStats)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &bobRes); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		r      *headless.Result
		w, h   int
		camera int
	}{{alice, 1280, 720, testmedia.CameraAID}, {&bobRes, 320, 240, testmedia.CameraBID}} {
		r := c.r
		if !r.MediaFlowed() || !r.ToneFound || r.AudioPacketsDecoded == 0 {
			t.Errorf("%s: media did not flow: %+v", r.Name, r)
		}
		if r.DecodedShare < 0.9 || r.Width != c.w || r.Height != c.h {
			t.Errorf("%s: decoded %.0f%% of frames at %dx%d, want %dx%d", r.Name, 100*r.DecodedShare, r.Width, r.Height, c.w, c.h)
		}
		if len(r.Cameras) != 1 || r.Cameras[0] != c.camera {
			t.Errorf("%s: saw cameras %v, want [%d]", r.Name, r.Cameras, c.camera)
		}
		if math.Abs(r.ToneHz-testmedia.ToneHz) > 5 {
			t.Errorf("%s: tone at %.1f Hz", r.Name, r.ToneHz)
		}
	}
	if !strings.Contains(events.String(), `state {"state":"in-call","peer":"bob"}`) {
		t.Errorf("alice printed no in-call line:\n%s", events.String())
	}
}

func TestKilledPeerEndsTheCall(t *testing.T) {
	url := startServer(t)
	bob, _ := startChild(t, headless.Options{
		Server: url, Name: "bob", AutoAnswer: true, FakeMedia: true,
		Camera: testmedia.CameraB, Width: 320, Height: 240,
		Duration: time.Minute, Wait: 60 * time.Second,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var events syncbuf.Buffer
	done := make(chan *headless.Result, 1)
	go func() {
		res, _ := headless.Run(ctx, headless.Options{
			Server: url, Name: "alice", Call: "bob", FakeMedia: true,
			Camera: testmedia.CameraA, Width: 320, Height: 240,
			Duration: time.Minute, Wait: 60 * time.Second, Out: &events,
		})
		done <- res
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(events.String(), `"in-call"`) {
		if time.Now().After(deadline) {
			t.Fatalf("no call:\n%s", events.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	killed := time.Now()
	if err := bob.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res == nil || !res.Connected {
		t.Fatalf("alice's result: %+v", res)
	}
	// The server reports bob gone at once, but a peer that only lost the
	// server keeps its call; the call ends when bob's media has stopped
	// too (ICE disconnected, 3 s by default).
	if res.EndReason != engine.ReasonPeerGone && res.EndReason != "failed" {
		t.Errorf("end reason %q, want peer-gone (or failed, if ICE failed first)", res.EndReason)
	}
	took := time.UnixMilli(res.EndedAtMs).Sub(killed)
	t.Logf("call ended %v after the kill (tests/faults checks the 5 s target)", took)
}
