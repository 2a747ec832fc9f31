//go:build linux

package lan

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/testnetns"
)

// The real-multicast test runs each Discovery in its own process, this
// test binary run again inside a network namespace (`ip netns exec`), so
// that its sockets and its interface lookups all happen there: a
// goroutine's thread could enter a namespace, but the Go runtime moves
// goroutines between threads, and a lookup from another thread would read
// the host's interfaces. Each namespace holds only lo and one end of a
// veth pair; nothing is sent on the host's interfaces.

// helperEnv, set, makes TestNetnsHelper the child process.
const helperEnv = "PARLEY_LAN_NETNS_HELPER"

// nsLink is two namespaces joined by a veth pair, named after this process
// ("lan<pid>-<n>a", "vlan<pid>-<n>a", …) so that parallel runs, and
// tests/faults' "pf…"/"pl…" namespaces, never collide: A has vethA with
// 10.201.<n>.1/24 (when IPv4 is on) and fe80::a/64, B has vethB with
// 10.201.<n>.2/24 and fe80::b/64. The link-local addresses are set without
// duplicate address detection, so IPv6 works at once. Both namespaces are
// deleted when the test ends.
type nsLink struct {
	A, B, vethA, vethB, ipA, ipB string
}

var nsCount atomic.Int32

func newNSLink(t *testing.T, ipv4 bool) *nsLink {
	t.Helper()
	n := nsCount.Add(1)
	tag := fmt.Sprintf("lan%d-%d", os.Getpid()%100000, n)
	l := &nsLink{A: tag + "a", B: tag + "b", vethA: "v" + tag + "a", vethB: "v" + tag + "b"}
	testnetns.Pair(t, l.A, l.B, l.vethA, l.vethB)
	for _, end := range [][3]string{{l.A, l.vethA, "a"}, {l.B, l.vethB, "b"}} {
		ns, veth := end[0], end[1]
		testnetns.Run(t, "ip", "-n", ns, "link", "set", "lo", "up")
		testnetns.Run(t, "ip", "-n", ns, "link", "set", veth, "addrgenmode", "none")
		testnetns.Run(t, "ip", "-n", ns, "addr", "add", "fe80::"+end[2]+"/64", "dev", veth, "nodad")
		testnetns.Run(t, "ip", "-n", ns, "link", "set", veth, "up")
	}
	if ipv4 {
		l.ipA, l.ipB = fmt.Sprintf("10.201.%d.1", n), fmt.Sprintf("10.201.%d.2", n)
		testnetns.Run(t, "ip", "-n", l.A, "addr", "add", l.ipA+"/24", "dev", l.vethA)
		testnetns.Run(t, "ip", "-n", l.B, "addr", "add", l.ipB+"/24", "dev", l.vethB)
	}
	return l
}

// helperEvent is one line a child writes on stdout.
type helperEvent struct {
	Ev         string          `json:"ev"` // ready, services, reconfirm, closed
	T          int64           `json:"t"`  // Unix nanoseconds
	Services   []helperService `json:"services,omitempty"`
	Err        string          `json:"err,omitempty"`
	Goroutines int             `json:"goroutines,omitempty"` // left after Close, over the count before Start
}

type helperService struct {
	Instance string   `json:"instance"`
	Addrs    []string `json:"addrs"`
}

func (e helperEvent) at() time.Time { return time.Unix(0, e.T) }

func (e helperEvent) has(inst string) bool {
	return slices.ContainsFunc(e.Services, func(s helperService) bool { return s.Instance == inst })
}

const helperPrefix = "lan-helper "

// TestNetnsHelper is the child process: it starts a Discovery on one
// interface, advertises, reports every change of Services on stdout, and
// obeys "reconfirm <instance>" and "close" on stdin.
func TestNetnsHelper(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("runs only as TestNetnsMulticast's child")
	}
	iface, inst := os.Getenv("LAN_IFACE"), os.Getenv("LAN_INSTANCE")
	// Never on the host: the namespace must hold nothing but lo and iface.
	all, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, ifi := range all {
		if ifi.Name != "lo" && ifi.Name != iface {
			t.Fatalf("refusing to run: interface %s is visible, so this is not a test namespace", ifi.Name)
		}
	}
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		t.Fatal(err)
	}
	var outMu sync.Mutex
	emit := func(e helperEvent) {
		e.T = time.Now().UnixNano()
		b, _ := json.Marshal(e)
		outMu.Lock()
		defer outMu.Unlock()
		fmt.Printf("%s%s\n", helperPrefix, b)
	}
	cmds := make(chan string)
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			cmds <- sc.Text()
		}
		close(cmds)
	}()
	before := runtime.NumGoroutine()

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("instance", inst)
	d, err := Start(context.Background(), Config{Interfaces: []net.Interface{*ifi}, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	emit(helperEvent{Ev: "ready"})
	d.Advertise(Service{Instance: inst, Host: "host " + inst, Fingerprint: testFP, Port: 8443, Since: time.Now()})
	stopWatch, watchDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watchDone)
		for {
			var list []helperService
			for _, s := range d.Services() {
				hs := helperService{Instance: s.Instance}
				for _, a := range s.Addrs {
					hs.Addrs = append(hs.Addrs, a.String())
				}
				list = append(list, hs)
			}
			emit(helperEvent{Ev: "services", Services: list})
			select {
			case <-d.Changes():
			case <-stopWatch:
				return
			}
		}
	}()
	for cmd := range cmds {
		if other, ok := strings.CutPrefix(cmd, "reconfirm "); ok {
			emit(helperEvent{Ev: "reconfirm"})
			d.Reconfirm(other)
			continue
		}
		if cmd != "close" {
			t.Fatalf("unknown command %q", cmd)
		}
		err := d.Close()
		close(stopWatch)
		<-watchDone
		deadline := time.Now().Add(2 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		e := helperEvent{Ev: "closed", Goroutines: runtime.NumGoroutine() - before}
		if err != nil {
			e.Err = err.Error()
		}
		emit(e)
		return
	}
	_ = d.Close() // the parent went away
}

// child is one TestNetnsHelper process, seen from the parent.
type child struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	events chan helperEvent
	read   chan struct{} // closed when stdout is read to its end
	stderr *lockedBuffer
	waited bool
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func startChild(t *testing.T, ns, iface, inst string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{name: inst, events: make(chan helperEvent, 1024), read: make(chan struct{}), stderr: &lockedBuffer{}}
	c.cmd = exec.Command("ip", "netns", "exec", ns, exe, "-test.run=^TestNetnsHelper$", "-test.count=1", "-test.timeout=60s")
	c.cmd.Env = append(os.Environ(), helperEnv+"=1", "LAN_IFACE="+iface, "LAN_INSTANCE="+inst)
	c.cmd.Stderr = c.stderr
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(c.read)
		defer close(c.events)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), helperPrefix)
			if !ok {
				c.stderr.Write([]byte(sc.Text() + "\n"))
				continue
			}
			var e helperEvent
			if err := json.Unmarshal([]byte(line), &e); err == nil {
				c.events <- e
			}
		}
	}()
	t.Cleanup(func() {
		if !c.waited {
			_ = c.cmd.Process.Kill()
			c.wait()
		}
		if t.Failed() {
			t.Logf("%s's output:\n%s", c.name, c.stderr.String())
		}
	})
	return c
}

// wait waits for the process to end, after its output is read.
func (c *child) wait() error {
	<-c.read
	c.waited = true
	return c.cmd.Wait()
}

func (c *child) send(t *testing.T, cmd string) time.Time {
	t.Helper()
	at := time.Now()
	if _, err := fmt.Fprintln(c.stdin, cmd); err != nil {
		t.Fatalf("%s: %s: %v", c.name, cmd, err)
	}
	return at
}

// next waits up to timeout for an event that satisfies ok.
func (c *child) next(timeout time.Duration, ok func(helperEvent) bool) (helperEvent, bool) {
	deadline := time.After(timeout)
	for {
		select {
		case e, open := <-c.events:
			if !open {
				return helperEvent{}, false
			}
			if ok(e) {
				return e, true
			}
		case <-deadline:
			return helperEvent{}, false
		}
	}
}

func (c *child) expect(t *testing.T, timeout time.Duration, what string, ok func(helperEvent) bool) helperEvent {
	t.Helper()
	e, found := c.next(timeout, ok)
	if !found {
		t.Fatalf("%s: %s did not happen within %v", c.name, what, timeout)
	}
	return e
}

// close has the child Close and checks it said goodbye cleanly, left no
// goroutine behind and exited with success (which covers the race
// detector, when on).
func (c *child) close(t *testing.T) time.Time {
	t.Helper()
	at := c.send(t, "close")
	e := c.expect(t, 5*time.Second, "Close", func(e helperEvent) bool { return e.Ev == "closed" })
	if e.Err != "" {
		t.Errorf("%s: Close: %s", c.name, e.Err)
	}
	if e.Goroutines > 0 {
		t.Errorf("%s: %d goroutines left after Close", c.name, e.Goroutines)
	}
	if err := c.wait(); err != nil {
		t.Errorf("%s exited with %v", c.name, err)
	}
	return at
}

func sees(insts ...string) func(helperEvent) bool {
	return func(e helperEvent) bool {
		if e.Ev != "services" {
			return false
		}
		for _, i := range insts {
			if !e.has(i) {
				return false
			}
		}
		return true
	}
}

func lost(inst string) func(helperEvent) bool {
	return func(e helperEvent) bool { return e.Ev == "services" && !e.has(inst) }
}

func TestNetnsMulticast(t *testing.T) {
	testnetns.Require(t)
	t.Run("IPv4", func(t *testing.T) {
		t.Parallel()
		testNetnsIPv4(t)
	})
	t.Run("IPv6 only", func(t *testing.T) {
		t.Parallel()
		testNetnsIPv6(t)
	})
}

// testNetnsIPv4: A and C share namespace A (two processes on one port),
// B is across the veth.
func testNetnsIPv4(t *testing.T) {
	l := newNSLink(t, true)
	a := startChild(t, l.A, l.vethA, "parley-a")
	c := startChild(t, l.A, l.vethA, "parley-c")
	b := startChild(t, l.B, l.vethB, "parley-b")
	var started time.Time
	for _, ch := range []*child{a, b, c} {
		e := ch.expect(t, 10*time.Second, "Start", func(e helperEvent) bool { return e.Ev == "ready" })
		started = later(started, e.at())
	}

	// Everyone finds everyone.
	eb := b.expect(t, 2*time.Second, "b sees a and c", sees("parley-a", "parley-c"))
	ea := a.expect(t, 2*time.Second, "a sees b and c", sees("parley-b", "parley-c"))
	ec := c.expect(t, 2*time.Second, "c sees a and b", sees("parley-a", "parley-b"))
	t.Logf("all three found each other %v after the last started (a %v, b %v, c %v)",
		later(later(ea.at(), eb.at()), ec.at()).Sub(started).Round(time.Millisecond),
		ea.at().Sub(started).Round(time.Millisecond), eb.at().Sub(started).Round(time.Millisecond),
		ec.at().Sub(started).Round(time.Millisecond))
	for _, s := range eb.Services {
		if s.Instance == "parley-a" {
			if want := []string{l.ipA, "fe80::a%" + l.vethB}; !slices.Equal(s.Addrs, want) {
				t.Errorf("b sees a at %v, want %v", s.Addrs, want)
			}
		}
	}

	// A reconfirmed service that is alive stays.
	c.send(t, "reconfirm parley-b")
	if e, found := c.next(reconfirmWait+500*time.Millisecond, lost("parley-b")); found {
		t.Errorf("c dropped b, which is alive, after reconfirming it: %+v", e)
	}

	// Close says goodbye: the others drop a at once.
	closed := a.close(t)
	for _, ch := range []*child{b, c} {
		e := ch.expect(t, time.Second, "drop a on its goodbye", lost("parley-a"))
		t.Logf("%s dropped a %v after a was told to close", ch.name, e.at().Sub(closed).Round(time.Millisecond))
	}

	// A process killed says nothing; a Reconfirm finds it gone.
	_ = c.cmd.Process.Kill()
	_ = c.wait()
	if e, found := b.next(300*time.Millisecond, lost("parley-c")); found {
		t.Fatalf("b dropped c before reconfirming it: %+v", e)
	}
	asked := b.send(t, "reconfirm parley-c")
	e := b.expect(t, 2*time.Second, "drop c after reconfirming it", lost("parley-c"))
	took := e.at().Sub(asked)
	t.Logf("reconfirm dropped the killed c %v after it was asked", took.Round(time.Millisecond))
	if took < 900*time.Millisecond {
		t.Errorf("reconfirm dropped c after %v, before its %v were up", took, reconfirmWait)
	}
	b.close(t)
}

// testNetnsIPv6 has no IPv4 address on the link: only ff02::fb can work.
func testNetnsIPv6(t *testing.T) {
	l := newNSLink(t, false)
	a := startChild(t, l.A, l.vethA, "parley-6a")
	b := startChild(t, l.B, l.vethB, "parley-6b")
	var started time.Time
	for _, ch := range []*child{a, b} {
		e := ch.expect(t, 10*time.Second, "Start", func(e helperEvent) bool { return e.Ev == "ready" })
		started = later(started, e.at())
	}
	ea := a.expect(t, 2*time.Second, "a sees b", sees("parley-6b"))
	eb := b.expect(t, 2*time.Second, "b sees a", sees("parley-6a"))
	t.Logf("found each other over IPv6 %v after the last started", later(ea.at(), eb.at()).Sub(started).Round(time.Millisecond))
	if got, want := ea.Services[0].Addrs, []string{"fe80::b%" + l.vethA}; !slices.Equal(got, want) {
		t.Errorf("a sees b at %v, want %v", got, want)
	}
	closed := b.close(t)
	e := a.expect(t, time.Second, "drop b on its goodbye", lost("parley-6b"))
	t.Logf("a dropped b %v after b was told to close", e.at().Sub(closed).Round(time.Millisecond))
	a.close(t)
}
