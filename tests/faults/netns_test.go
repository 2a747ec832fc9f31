//go:build faults

package faults

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
)

// requireNetns skips the test unless it can create network namespaces.
func requireNetns(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("fault tests need root (network namespaces); run `make test-faults` as root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("fault tests need `ip` (iproute2)")
	}
	if out, err := exec.Command("ip", "netns", "list").CombinedOutput(); err != nil {
		t.Skipf("`ip netns` is unavailable: %v: %s", err, out)
	}
}

// run runs a command and fails the test if it fails.
func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
}

// link is two namespaces created for one test, joined by a veth pair:
// A has 10.200.<n>.1/24 on vethA, B has 10.200.<n>.2/24 on vethB. Nothing
// outside the two namespaces is touched, and both are deleted when the
// test ends, whether it passed or not.
type link struct {
	A, B         string // namespace names
	IPA, IPB     string
	vethA, vethB string
}

var subnet atomic.Int32

func newLink(t *testing.T) *link {
	t.Helper()
	n := 10 + subnet.Add(1)
	tag := fmt.Sprintf("pf%d-%d", os.Getpid()%100000, n)
	l := &link{
		A: tag + "a", B: tag + "b",
		IPA: fmt.Sprintf("10.200.%d.1", n), IPB: fmt.Sprintf("10.200.%d.2", n),
		vethA: "veth" + tag + "a", vethB: "veth" + tag + "b",
	}
	if len(l.vethA) > 15 { // IFNAMSIZ
		t.Fatalf("interface name %q too long", l.vethA)
	}
	run(t, "ip", "netns", "add", l.A)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", l.A).Run() })
	run(t, "ip", "netns", "add", l.B)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", l.B).Run() })
	// The pair is created inside A, and one end moved to B, so that it never
	// exists in the host's namespace.
	run(t, "ip", "-n", l.A, "link", "add", l.vethA, "type", "veth", "peer", "name", l.vethB)
	run(t, "ip", "-n", l.A, "link", "set", l.vethB, "netns", l.B)
	run(t, "ip", "-n", l.A, "addr", "add", l.IPA+"/24", "dev", l.vethA)
	run(t, "ip", "-n", l.B, "addr", "add", l.IPB+"/24", "dev", l.vethB)
	for _, ns := range []string{l.A, l.B} {
		run(t, "ip", "-n", ns, "link", "set", "lo", "up")
	}
	run(t, "ip", "-n", l.A, "link", "set", l.vethA, "up")
	run(t, "ip", "-n", l.B, "link", "set", l.vethB, "up")
	return l
}

// setB brings B's end of the link down or up.
func (l *link) setB(t *testing.T, up bool) {
	t.Helper()
	state := "down"
	if up {
		state = "up"
	}
	run(t, "ip", "-n", l.B, "link", "set", l.vethB, state)
}

// loss adds netem packet loss to both ends' egress, or skips the test if
// tc or the netem qdisc is unavailable.
func (l *link) loss(t *testing.T, percent string) {
	t.Helper()
	if _, err := exec.LookPath("tc"); err != nil {
		t.Skip("packet-loss test needs `tc` (iproute2)")
	}
	for _, end := range [][2]string{{l.A, l.vethA}, {l.B, l.vethB}} {
		cmd := exec.Command("ip", "netns", "exec", end[0], "tc", "qdisc", "add", "dev", end[1], "root", "netem", "loss", percent)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Skipf("netem is unavailable (kernel module sch_netem?): %v: %s", err, out.String())
		}
	}
}
