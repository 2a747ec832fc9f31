// Package testwait holds the polling helpers the test suites share: these
// machines are noisy, so tests wait for a condition with a generous
// deadline instead of sleeping for a guessed time.
package testwait

import (
	"runtime"
	"testing"
	"time"
)

// poll is how often a condition is checked: short enough not to slow tests
// down, long enough not to spin a core that the code under test needs.
const poll = 5 * time.Millisecond

// Until polls cond until it holds, failing t once timeout has passed.
func Until(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(poll)
	}
}

// Goroutines waits until no more than base goroutines run, failing t with
// every goroutine's stack once timeout has passed: what a test uses to show
// that nothing was left behind.
func Goroutines(t testing.TB, base int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(poll)
	}
}
