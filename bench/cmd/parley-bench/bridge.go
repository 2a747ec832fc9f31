package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/parleyhq/parley/bench/internal/stats"
)

type bridgeSize struct {
	name          string
	width, height int
}

// measureBridge runs bench/web/bridge.mjs: bridge-demo's frames drawn by
// the desktop page in headless Chromium with the given renderer ("webgl"
// or "2d"). The real WebKit window is not automated here (see the skip
// note in the results).
func measureBridge(ctx context.Context, e *env, s bridgeSize, renderer string, d time.Duration) (BridgeRow, error) {
	cfg, err := json.Marshal(map[string]any{
		"demo": filepath.Join(e.bin, "bridge-demo"), "frontend": filepath.Join(e.root, "frontend"), "chromium": e.chromium,
		"width": s.width, "height": s.height, "seconds": d.Seconds(), "renderer": renderer,
	})
	if err != nil {
		return BridgeRow{}, err
	}
	cmd := exec.CommandContext(ctx, e.node, filepath.Join(e.root, "bench/web/bridge.mjs"), string(cfg))
	cmd.WaitDelay = 10 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return BridgeRow{}, fmt.Errorf("bridge.mjs: %v: %s", err, lastLines(stderr.String(), 5))
	}
	var r struct {
		FPS       float64   `json:"fps"`
		Latencies []float64 `json:"latencies"`
		Renderer  string    `json:"renderer"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(out), &r); err != nil {
		return BridgeRow{}, fmt.Errorf("bridge.mjs output: %w", err)
	}
	return BridgeRow{Size: s.name, Where: "headless Chromium, " + r.Renderer, FPS: r.FPS, MS: stats.Summarize(r.Latencies)}, nil
}
