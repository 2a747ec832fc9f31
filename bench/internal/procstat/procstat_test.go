package procstat

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A real line from a Chromium renderer, with a comm holding a space and a
// parenthesis to exercise the last-')' rule.
const statLine = "4242 (Chrome_Child (x)) S 4200 4200 4200 0 -1 4194560 52000 0 1 0 1234 567 0 0 20 0 19 0 88888 1234567 8901 18446744073709551615 1 1 0 0 0 0 0 4098 1098 0 0 0 17 1 0 0 0 0 0\n"

func TestParseStat(t *testing.T) {
	s, err := ParseStat([]byte(statLine))
	if err != nil {
		t.Fatal(err)
	}
	want := Stat{PID: 4242, PPID: 4200, Comm: "Chrome_Child (x)", UTime: 1234, STime: 567}
	if s != want {
		t.Fatalf("got %+v, want %+v", s, want)
	}
	if s.CPUTicks() != 1801 {
		t.Fatalf("CPUTicks = %d", s.CPUTicks())
	}
}

func TestParseStatRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "no parens", "12 (x) S 1", "x (y) S 1 2 3 4 5 6 7 8 9 10 11 12 13", "1 (y) S z 2 3 4 5 6 7 8 9 10 11 12 13", "1 (y) S 1 2 3 4 5 6 7 8 9 10 -4 12 13"} {
		if _, err := ParseStat([]byte(in)); !errors.Is(err, ErrFormat) {
			t.Errorf("%q: err = %v, want ErrFormat", in, err)
		}
	}
}

func TestParseRSS(t *testing.T) {
	kb, err := ParseRSS([]byte("Name:\tparley\nVmPeak:\t 9 kB\nVmRSS:\t   81234 kB\nThreads:\t9\n"))
	if err != nil || kb != 81234 {
		t.Fatalf("got %d, %v", kb, err)
	}
	if kb, err := ParseRSS([]byte("Name:\tkthreadd\n")); err != nil || kb != 0 {
		t.Fatalf("kernel thread: %d, %v", kb, err)
	}
	if _, err := ParseRSS([]byte("VmRSS:\tlots\n")); !errors.Is(err, ErrFormat) {
		t.Fatalf("garbage: %v", err)
	}
}

func TestDescendantsAndRole(t *testing.T) {
	procs := []Proc{
		{Stat: Stat{PID: 1, PPID: 0, Comm: "init"}},
		{Stat: Stat{PID: 10, PPID: 1, Comm: "chromium"}, Cmdline: []string{"/usr/lib/chromium/chromium", "--headless"}},
		{Stat: Stat{PID: 11, PPID: 10, Comm: "chromium"}, Cmdline: []string{"chromium", "--type=gpu-process"}},
		{Stat: Stat{PID: 12, PPID: 10, Comm: "chromium"}, Cmdline: []string{"chromium", "--type=zygote"}},
		{Stat: Stat{PID: 13, PPID: 12, Comm: "chromium"}, Cmdline: []string{"/usr/lib/chromium/chromium --type=renderer --lang=en-US"}},
		{Stat: Stat{PID: 20, PPID: 1, Comm: "parley"}},
	}
	got := Descendants(procs, 10)
	var roles []string
	for _, p := range got {
		roles = append(roles, strconv.Itoa(p.PID)+":"+Role(p))
	}
	want := "[10:browser 11:gpu-process 12:zygote 13:renderer]"
	if s := "[" + strings.Join(roles, " ") + "]"; s != want {
		t.Fatalf("got %s, want %s", s, want)
	}
	if Descendants(procs, 99) != nil {
		t.Fatal("a missing root should give nothing")
	}
	if Role(procs[5]) != "parley" {
		t.Fatal("non-Chromium role should be the comm")
	}
}

// TestSampleFakeProc samples a fake /proc whose CPU counters a goroutine
// advances, so the computed share can be checked exactly in ticks.
func TestSampleFakeProc(t *testing.T) {
	root := t.TempDir()
	write := func(utime int) {
		dir := filepath.Join(root, "77")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		line := "77 (parley) S 1 77 77 0 -1 0 0 0 0 0 " + strconv.Itoa(utime) + " 0 0 0 20 0 9 0 1 1 1\n"
		for name, body := range map[string]string{"stat": line, "status": "VmRSS:\t2048 kB\n", "cmdline": "parley\x00--headless\x00"} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan []Usage)
	go func() { done <- Sample(ctx, root, []int{77}, 10*time.Millisecond) }()
	time.Sleep(50 * time.Millisecond)
	write(1000) // ten CPU seconds, far more than the wall time: CPU > 1
	time.Sleep(50 * time.Millisecond)
	cancel()
	us := <-done
	if len(us) != 1 || us[0].PID != 77 || us[0].Role != "parley" || us[0].MaxRSSMiB != 2 {
		t.Fatalf("got %+v", us)
	}
	if us[0].CPU <= 1 {
		t.Fatalf("CPU = %v, want the 1000 ticks to show as more than a core", us[0].CPU)
	}
	if tot := Total(append(us, us...)); tot.MaxRSSMiB != 4 {
		t.Fatalf("Total = %+v", tot)
	}
	if r := ByRole(append(us, us...))["parley"]; r.MaxRSSMiB != 4 {
		t.Fatalf("ByRole = %+v", r)
	}
}
