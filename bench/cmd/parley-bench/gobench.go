package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// goBench runs `go test -bench` for one package and returns each
// benchmark's ms/frame metric, named by the benchmark (without the -N CPU
// suffix).
func goBench(ctx context.Context, env *env, pkg, pattern, benchtime string) ([]CodecRow, error) {
	cmd := exec.CommandContext(ctx, env.goCmd, "test", "-run", "^$", "-bench", pattern, "-benchtime", benchtime, "-count", "1", pkg)
	cmd.Dir = env.root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go test -bench %s %s: %v: %s %s", pattern, pkg, err, lastLines(string(out), 5), lastLines(stderr.String(), 5))
	}
	rows := parseBench(out)
	if len(rows) == 0 {
		return nil, fmt.Errorf("go test -bench %s %s: no ms/frame results", pattern, pkg)
	}
	return rows, nil
}

// parseBench reads benchmark lines ("BenchmarkX/y-2  N  123 ns/op  4.5 ms/frame ...").
func parseBench(out []byte) []CodecRow {
	var rows []CodecRow
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		for i := 2; i+1 < len(f); i += 2 {
			if f[i+1] != "ms/frame" {
				continue
			}
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				rows = append(rows, CodecRow{Name: name, MsPerFrame: v})
			}
		}
	}
	return rows
}
