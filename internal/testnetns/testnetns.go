// Package testnetns helps tests that build their own hosts in Linux
// network namespaces (the fault tests, LAN discovery): nothing they send
// leaves the namespaces they make.
package testnetns

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Require skips the test unless it can create network namespaces: it
// runs as root and iproute2's `ip netns` works.
func Require(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces); make test runs as root in CI")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs `ip` (iproute2)")
	}
	if out, err := exec.Command("ip", "netns", "list").CombinedOutput(); err != nil {
		t.Skipf("`ip netns` is unavailable: %v: %s", err, out)
	}
}

// Run runs a command and fails the test, with its output, if it fails.
func Run(t testing.TB, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
}

// Pair makes namespaces a and b joined by a veth pair, vethA in a and vethB
// in b, both down and without addresses, and deletes the namespaces when
// the test ends, whether it passed or not. The pair is made inside a and
// one end moved to b, so that it never exists in the host's namespace.
func Pair(t testing.TB, a, b, vethA, vethB string) {
	t.Helper()
	if len(vethA) > 15 || len(vethB) > 15 { // IFNAMSIZ
		t.Fatalf("interface name %q or %q too long", vethA, vethB)
	}
	for _, ns := range []string{a, b} {
		Run(t, "ip", "netns", "add", ns)
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	}
	Run(t, "ip", "-n", a, "link", "add", vethA, "type", "veth", "peer", "name", vethB)
	Run(t, "ip", "-n", a, "link", "set", vethB, "netns", b)
}
