// Command parley-bench measures Parley against Chromium on this machine in
// one run (make bench): call setup, glass-to-glass latency, CPU and memory
// in a 720p30 call, time to full resolution, codec cost and signaling load.
// Shared machines are noisy, so every figure is set beside the Chromium
// figure of the same run; only those ratios are meant to be compared
// between runs. It writes bench/results/latest.json and prints a Markdown
// table. With --smoke it runs one cheap pass of each kind, so the harness
// is exercised by make test without taking minutes.
//
// It expects bin/parley, bin/parley-signal and bin/parley-sigload (the
// Makefile's bench targets build them), node with tests/e2e/node_modules,
// and Chromium.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/parleyhq/parley/bench/internal/stats"
)

// env is what every case needs: paths and the running signaling server.
type env struct {
	root, bin, tmp string
	window         string // the production desktop binary (make desktop)
	node, chromium string
	goCmd          string
	signal         *signalServer
	log            io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parley-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	smoke := fs.Bool("smoke", false, "one cheap pass of each kind (about a minute)")
	runs := fs.Int("runs", 5, "call-setup runs per case")
	root := fs.String("root", ".", "repository root")
	out := fs.String("out", "bench/results/latest.json", "results file (relative to the root)")
	chromiumPath := fs.String("chromium", "/usr/bin/chromium", "Chromium executable")
	only := fs.String("only", "", `run one section alone: "sound", "desktop" (case (d), the desktop app calling Chromium), or "webcam" (issue 18: per-frame cost, the MJPEG call, cold start, under load)`)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	absRoot, err := filepath.Abs(*root)
	if err != nil {
		fmt.Fprintln(stderr, "parley-bench:", err)
		return 2
	}
	e := &env{root: absRoot, bin: filepath.Join(absRoot, "bin"), window: filepath.Join(absRoot, "build/bin/parley"), chromium: *chromiumPath, log: stderr}
	if e.node, err = exec.LookPath("node"); err != nil {
		fmt.Fprintln(stderr, "parley-bench: node is required:", err)
		return 2
	}
	if e.goCmd, err = exec.LookPath("go"); err != nil {
		fmt.Fprintln(stderr, "parley-bench: go is required:", err)
		return 2
	}
	for _, b := range []string{"parley", "parley-signal", "parley-sigload"} {
		if _, err := os.Stat(filepath.Join(e.bin, b)); err != nil {
			fmt.Fprintf(stderr, "parley-bench: bin/%s is missing (make bench builds it)\n", b)
			return 2
		}
	}
	if e.tmp, err = os.MkdirTemp("", "parley-bench-"); err != nil {
		fmt.Fprintln(stderr, "parley-bench:", err)
		return 1
	}
	defer os.RemoveAll(e.tmp)
	if e.signal, err = startSignal(filepath.Join(e.bin, "parley-signal")); err != nil {
		fmt.Fprintln(stderr, "parley-bench:", err)
		return 1
	}
	defer e.signal.stop()

	res := &Results{Started: time.Now().UTC(), Smoke: *smoke, Setup: map[string]stats.Summary{},
		Machine: Machine{CPUs: runtime.NumCPU(), Chromium: chromiumVersion(e.chromium), Go: runtime.Version()}}
	plan := fullPlan(*runs)
	if *smoke {
		plan = smokePlan()
	}
	switch *only {
	case "":
	case "sound":
		plan.soundOnly = true
	case "desktop":
		plan.desktopOnly = true
	case "webcam":
		plan.webcamOnly = true
		if !plan.webcam { // the smoke plan: a short pass of the section
			plan.webcam, plan.coldRuns, plan.loadHold = true, 1, 10*time.Second
		}
	default:
		fmt.Fprintf(stderr, "parley-bench: --only %q: the sections that run alone are sound, desktop and webcam\n", *only)
		return 2
	}
	plan.execute(ctx, e, res)
	res.Finished = time.Now().UTC()

	path := *out
	if !filepath.IsAbs(path) {
		path = filepath.Join(absRoot, path)
	}
	if err := writeJSON(path, res); err != nil {
		fmt.Fprintln(stderr, "parley-bench:", err)
		return 1
	}
	fmt.Fprint(stdout, markdown(res))
	fmt.Fprintf(stdout, "\nResults: %s (%s)\n", path, res.Finished.Sub(res.Started).Round(time.Second))
	if len(res.Errors) > 0 {
		return 1
	}
	return 0
}

func chromiumVersion(path string) string {
	out, err := exec.Command(path, "--version").Output()
	if err != nil {
		return "unknown: " + err.Error()
	}
	return strings.TrimSpace(string(out))
}

func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
