package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/signaling/server"
)

// target is the server under load and how to measure its memory.
type target struct {
	url  string
	desc string
	// memory returns the server's memory in bytes (see desc for what is
	// counted), or ok=false if it cannot be measured.
	memory func() (bytes int64, ok bool)
	// cpu returns the CPU time the server has used, or ok=false if it
	// cannot be told apart from the load generator's.
	cpu  func() (time.Duration, bool)
	stop func()
}

// inProcess runs the server in this process with the per-address cap off
// (every client comes from 127.0.0.1). Its memory cannot be separated from
// the clients', so memory reports the Go heap and stacks of the whole
// process and the report says so.
func inProcess() (*target, error) {
	srv, err := server.New(server.Config{
		MaxConnsPerIP: -1,
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ctx, ln, "", "")
	}()
	return &target{
		url:  "ws://" + ln.Addr().String() + "/",
		desc: "in-process server; memory is Go heap+stacks of the whole process, load clients included",
		memory: func() (int64, bool) {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			return int64(ms.HeapInuse + ms.StackInuse), true
		},
		cpu:  func() (time.Duration, bool) { return 0, false },
		stop: func() { cancel(); <-done },
	}, nil
}

// spawn starts a parley-signal binary as a child on a free loopback port,
// so its resident memory (VmRSS) is the server's alone.
func spawn(bin string) (*target, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--addr", addr, "--max-conns-per-ip", "-1", "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t := &target{
		url:    "ws://" + addr + "/",
		desc:   fmt.Sprintf("%s (pid %d)", bin, cmd.Process.Pid),
		memory: func() (int64, bool) { return rssOf(cmd.Process.Pid) },
		cpu:    func() (time.Duration, bool) { return cpuOf(cmd.Process.Pid) },
		stop: func() {
			cmd.Process.Signal(os.Interrupt)
			select {
			case <-exited:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				<-exited
			}
		},
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return t, nil
		}
		if time.Now().After(deadline) {
			t.stop()
			return nil, errors.New("spawned server did not start listening")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// external is a server someone else runs; with pid > 0 its memory is read
// from /proc.
func external(url string, pid int) *target {
	t := &target{url: url, desc: url, stop: func() {}}
	t.memory = func() (int64, bool) {
		if pid <= 0 {
			return 0, false
		}
		return rssOf(pid)
	}
	t.cpu = func() (time.Duration, bool) {
		if pid <= 0 {
			return 0, false
		}
		return cpuOf(pid)
	}
	return t
}

// rssOf reads VmRSS of a process from /proc (Linux).
func rssOf(pid int) (int64, bool) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times; it is 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// cpuOf reads the user+system CPU time of a process from /proc (Linux).
func cpuOf(pid int) (time.Duration, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may contain spaces; fields after it are
	// counted from its closing parenthesis. utime and stime are 14 and 15.
	i := strings.LastIndexByte(string(data), ')')
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, true
}
