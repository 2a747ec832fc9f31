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
