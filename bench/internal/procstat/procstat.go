// Package procstat reads per-process CPU time and memory from /proc, so the
// benchmark can compare Parley's processes with Chromium's renderer and GPU
// processes for the same call, each measured from outside the process.
package procstat

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// TicksPerSecond is USER_HZ, the unit of utime and stime in /proc/PID/stat.
// Linux fixes it at 100 on every architecture for user space.
const TicksPerSecond = 100

// ErrFormat is wrapped by every parse error: the file was not in the
// format proc(5) documents.
var ErrFormat = errors.New("procstat: unexpected /proc format")

// Stat is the part of /proc/PID/stat the benchmark uses.
type Stat struct {
	PID, PPID    int
	Comm         string
	UTime, STime uint64 // clock ticks
}

// CPUTicks is user plus system time.
func (s Stat) CPUTicks() uint64 { return s.UTime + s.STime }

// ParseStat parses the contents of /proc/PID/stat. The command name is in
// parentheses and may itself contain spaces and parentheses, so fields are
// counted from the last ')'.
func ParseStat(b []byte) (Stat, error) {
	open := bytes.IndexByte(b, '(')
	closing := bytes.LastIndexByte(b, ')')
	if open < 1 || closing < open {
		return Stat{}, fmt.Errorf("%w: stat without (comm)", ErrFormat)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:open])))
	if err != nil {
		return Stat{}, fmt.Errorf("%w: pid: %v", ErrFormat, err)
	}
	// After the comm: state(3) ppid(4) ... utime(14) stime(15).
	f := strings.Fields(string(b[closing+1:]))
	if len(f) < 13 {
		return Stat{}, fmt.Errorf("%w: stat has %d fields after comm", ErrFormat, len(f))
	}
	s := Stat{PID: pid, Comm: string(b[open+1 : closing])}
	if s.PPID, err = strconv.Atoi(f[1]); err != nil {
		return Stat{}, fmt.Errorf("%w: ppid: %v", ErrFormat, err)
	}
	if s.UTime, err = strconv.ParseUint(f[11], 10, 64); err != nil {
		return Stat{}, fmt.Errorf("%w: utime: %v", ErrFormat, err)
	}
	if s.STime, err = strconv.ParseUint(f[12], 10, 64); err != nil {
		return Stat{}, fmt.Errorf("%w: stime: %v", ErrFormat, err)
	}
	return s, nil
}

// ParseRSS returns VmRSS in KiB from the contents of /proc/PID/status.
// Kernel threads have no VmRSS line; they report 0.
func ParseRSS(b []byte) (int64, error) {
	for line := range strings.SplitSeq(string(b), "\n") {
		rest, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("%w: VmRSS line %q", ErrFormat, line)
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: VmRSS: %v", ErrFormat, err)
		}
		return kb, nil
	}
	return 0, nil
}

// Proc is one process as read from /proc.
type Proc struct {
	Stat
	RSSKiB  int64
	Cmdline []string
}

// Read reads one process under root (normally "/proc").
func Read(root string, pid int) (Proc, error) {
	dir := filepath.Join(root, strconv.Itoa(pid))
	b, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return Proc{}, err
	}
	st, err := ParseStat(b)
	if err != nil {
		return Proc{}, err
	}
	p := Proc{Stat: st}
	if b, err = os.ReadFile(filepath.Join(dir, "status")); err != nil {
		return Proc{}, err
	}
	if p.RSSKiB, err = ParseRSS(b); err != nil {
		return Proc{}, err
	}
	if b, err = os.ReadFile(filepath.Join(dir, "cmdline")); err != nil {
		return Proc{}, err
	}
	p.Cmdline = strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	return p, nil
}

// Tree returns pid and all its descendants that exist now, read from
// root. Processes that exit while it reads are left out.
func Tree(root string, pid int) ([]Proc, error) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var all []Proc
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, err := Read(root, n); err == nil {
			all = append(all, p)
		}
	}
	return Descendants(all, pid), nil
}

// Descendants returns the process pid and every process below it in procs.
func Descendants(procs []Proc, pid int) []Proc {
	children := make(map[int][]Proc)
	var out []Proc
	for _, p := range procs {
		children[p.PPID] = append(children[p.PPID], p)
		if p.PID == pid {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i].PID]...)
	}
	return out
}

// Role names what a process does in the benchmark's tables: Chromium's
// --type= switch ("renderer", "gpu-process", "utility", "zygote"), or
// "browser" for Chromium's main process, or the command name otherwise
// (e.g. "parley", "WebKitWebProcess").
func Role(p Proc) string {
	// Chromium rewrites its argv for ps, so the switches may arrive as one
	// space-separated string instead of NUL-separated arguments.
	for _, a := range strings.Fields(strings.Join(p.Cmdline, " ")) {
		if t, ok := strings.CutPrefix(a, "--type="); ok {
			return t
		}
	}
	if strings.Contains(p.Comm, "chrom") {
		return "browser"
	}
	return p.Comm
}
