//go:build faults

package faults

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/parleyhq/parley/internal/testnetns"
)

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
	testnetns.Pair(t, l.A, l.B, l.vethA, l.vethB)
	testnetns.Run(t, "ip", "-n", l.A, "addr", "add", l.IPA+"/24", "dev", l.vethA)
	testnetns.Run(t, "ip", "-n", l.B, "addr", "add", l.IPB+"/24", "dev", l.vethB)
	for _, ns := range []string{l.A, l.B} {
		testnetns.Run(t, "ip", "-n", ns, "link", "set", "lo", "up")
	}
	testnetns.Run(t, "ip", "-n", l.A, "link", "set", l.vethA, "up")
	testnetns.Run(t, "ip", "-n", l.B, "link", "set", l.vethB, "up")
	return l
}

// setB brings B's end of the link down or up.
func (l *link) setB(t *testing.T, up bool) {
	t.Helper()
	state := "down"
	if up {
		state = "up"
	}
	testnetns.Run(t, "ip", "-n", l.B, "link", "set", l.vethB, state)
}

// renumberB moves B to another address on the same subnet (.3 instead of
// .2), as when a laptop gets a new lease or roams: every socket B had open
// now belongs to an address it no longer has, and nothing tells the other
// end. It returns the new address.
func (l *link) renumberB(t *testing.T) string {
	t.Helper()
	next := strings.TrimSuffix(l.IPB, ".2") + ".3"
	testnetns.Run(t, "ip", "-n", l.B, "addr", "del", l.IPB+"/24", "dev", l.vethB)
	testnetns.Run(t, "ip", "-n", l.B, "addr", "add", next+"/24", "dev", l.vethB)
	l.IPB = next
	return next
}

// loss drops percent% (an integer) of the packets each end of the link
// receives. It prefers netem; kernels without sch_netem (this project's CI
// machines have none) get the same random drop from nftables' numgen in
// each namespace's input hook: on input, as on the wire, the sender cannot
// tell (a drop on output fails its sendmsg, and Chromium sends the packet
// again). Both are the kernel dropping real packets; the test skips only
// when neither is available.
func (l *link) loss(t *testing.T, percent int) {
	t.Helper()
	if err := l.netemLoss(percent); err == nil {
		t.Logf("packet loss %d%% by netem", percent)
		return
	} else if nftErr := l.nftLoss(percent); nftErr != nil {
		t.Skipf("no way to drop packets: netem: %v; nftables: %v", err, nftErr)
	}
	t.Logf("packet loss %d%% by nftables (numgen random)", percent)
	// Namespaces are deleted by earlier-registered cleanups, which run after
	// this one: the counters are still there to read.
	t.Cleanup(func() {
		for _, ns := range []string{l.A, l.B} {
			out, _ := exec.Command("ip", "netns", "exec", ns, "nft", "list", "chain", "inet", "loss", "in").Output()
			if m := nftCounter.FindSubmatch(out); m != nil {
				t.Logf("%s dropped %s packets (%s bytes)", ns, m[1], m[2])
			}
		}
	})
}

var nftCounter = regexp.MustCompile(`counter packets (\d+) bytes (\d+)`)

func (l *link) netemLoss(percent int) error {
	if _, err := exec.LookPath("tc"); err != nil {
		return err
	}
	for _, end := range [][2]string{{l.A, l.vethA}, {l.B, l.vethB}} {
		if err := nsRun(end[0], "tc", "qdisc", "add", "dev", end[1], "root", "netem", "loss", fmt.Sprintf("%d%%", percent)); err != nil {
			return err
		}
	}
	return nil
}

func (l *link) nftLoss(percent int) error {
	if _, err := exec.LookPath("nft"); err != nil {
		return err
	}
	for _, end := range [][2]string{{l.A, l.vethA}, {l.B, l.vethB}} {
		for _, args := range [][]string{
			{"add", "table", "inet", "loss"},
			{"add", "chain", "inet", "loss", "in", "{ type filter hook input priority 0; }"},
			{"add", "rule", "inet", "loss", "in", "iifname", end[1], "numgen", "random", "mod", "100", "<", fmt.Sprint(percent), "counter", "drop"},
		} {
			if err := nsRun(end[0], append([]string{"nft"}, args...)...); err != nil {
				return err
			}
		}
	}
	return nil
}

// nsRun runs a command inside namespace ns and returns its output in the error.
func nsRun(ns string, args ...string) error {
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}
