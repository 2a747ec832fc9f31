//go:build faults

package faults

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/engine/headless"
	"github.com/parleyhq/parley/internal/syncbuf"
	"github.com/parleyhq/parley/internal/testwait"
)

// bins holds bin/parley and bin/parley-signal built for this run (from the
// work tree, so the tests check the code beside them, not a stale build).
var bins string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "parley-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		for name, build := range map[string][]string{
			"parley":        {"../.."},
			"parley-signal": {"../../signaling/cmd/parley-signal"},
			// The window with its live frontend (as bin/parley-dev), for the
			// LAN test that puts a real window on the network.
			"parley-window": {"-tags", "dev,webkit2_41", "../.."},
		} {
			cmd := exec.Command("go", append([]string{"build", "-o", filepath.Join(dir, name)}, build...)...)
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(os.Stderr, "building %s: %v\n", name, err)
				return 1
			}
		}
		bins = dir
		return m.Run()
	}()
	os.Exit(code)
}

// proc is one process started inside a namespace.
type proc struct {
	cmd  *exec.Cmd
	out  *syncbuf.Buffer
	done chan struct{}
	err  error
}

// start runs name inside ns; the process is killed when the test ends if it
// is still running (before the namespaces are deleted: cleanups run last
// first).
func start(t *testing.T, ns, name string, args ...string) *proc {
	t.Helper()
	return startEnv(t, ns, nil, name, args...)
}

// startEnv is start with environment variables (NAME=value) added; env
// execs the program, so the pid is still the program's own.
func startEnv(t *testing.T, ns string, env []string, name string, args ...string) *proc {
	t.Helper()
	full := append([]string{"netns", "exec", ns, "env"}, env...)
	full = append(append(full, filepath.Join(bins, name)), args...)
	p := &proc{cmd: exec.Command("ip", full...), out: &syncbuf.Buffer{}, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait waits for the process to exit, at most d.
func (p *proc) wait(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		t.Fatalf("process did not exit within %v; output:\n%s", d, p.out.String())
	}
}

// signal is parley-signal listening on A's address.
type signal struct {
	*proc
	addr string
}

func startSignal(t *testing.T, l *link, extra ...string) *signal {
	t.Helper()
	addr := l.IPA + ":6503"
	s := &signal{proc: start(t, l.A, "parley-signal", append([]string{"--addr", addr}, extra...)...), addr: addr}
	waitListening(t, l.A, addr)
	return s
}

// waitListening polls until addr accepts a TCP connection from inside ns.
func waitListening(t *testing.T, ns, addr string) {
	t.Helper()
	host, port, _ := cutAddr(addr)
	deadline := time.Now().Add(20 * time.Second)
	for exec.Command("ip", "netns", "exec", ns, "bash", "-c",
		fmt.Sprintf("exec 3<>/dev/tcp/%s/%s", host, port)).Run() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s in %s", addr, ns)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func cutAddr(addr string) (host, port string, ok bool) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[:i], addr[i+1:], true
		}
	}
	return addr, "", false
}

// peer is one headless bin/parley.
type peer struct {
	*proc
	stats string
}

// peerArgs are the settings every fault-test peer shares: fake media at a
// small size, so that two encoders and decoders per test stay cheap on two
// shared cores.
func startPeer(t *testing.T, ns string, s *signal, name string, extra ...string) *peer {
	t.Helper()
	stats := filepath.Join(t.TempDir(), name+".json")
	args := append([]string{"--headless", "--fake-media", "--server", "ws://" + s.addr, "--name", name,
		"--width", "320", "--height", "240", "--stats-json", stats, "--wait", "60s"}, extra...)
	return &peer{proc: start(t, ns, "parley", args...), stats: stats}
}

// result waits for the peer to exit and reads its JSON result.
func (p *peer) result(t *testing.T, d time.Duration) *headless.Result {
	t.Helper()
	p.wait(t, d)
	b, err := os.ReadFile(p.stats)
	if err != nil {
		t.Fatalf("no result (%v); output:\n%s", err, p.out.String())
	}
	var r headless.Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	testwait.Until(t, what, d, cond)
}

// kill sends SIGKILL (ip netns exec execs the program, so the pid is
// parley's own).
func (p *proc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
}
