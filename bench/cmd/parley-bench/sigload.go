package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
)

// sigload runs signaling/cmd/parley-sigload against a parley-signal it
// spawns, and returns its JSON report as is.
func sigload(ctx context.Context, env *env, clients int, duration string) (map[string]any, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(env.bin, "parley-sigload"), "--spawn", filepath.Join(env.bin, "parley-signal"),
		"--clients", strconv.Itoa(clients), "--duration", duration, "--json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("parley-sigload: %v: %s", err, lastLines(stderr.String(), 5))
	}
	var rep map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(out), &rep); err != nil {
		return nil, fmt.Errorf("parley-sigload output: %w: %s", err, lastLines(string(out), 3))
	}
	return rep, nil
}
