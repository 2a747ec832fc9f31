package testwait

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// recorder stands in for a test so that a helper's failure can be checked
// instead of failing this test. Fatalf ends the goroutine, as a real test's
// does, so a helper that kept going after it would be noticed.
type recorder struct {
	testing.TB
	failure string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failure = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// failure runs fn against a recorder on its own goroutine and returns the
// failure message, "" if fn passed.
func failure(fn func(testing.TB)) string {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r)
	}()
	<-done
	return r.failure
}

func TestUntilReturnsOnceTheConditionHolds(t *testing.T) {
	calls := 0
	msg := failure(func(tb testing.TB) {
		Until(tb, "the third call", 10*time.Second, func() bool { calls++; return calls == 3 })
	})
	if msg != "" || calls != 3 {
		t.Fatalf("failure %q after %d calls, want none after 3", msg, calls)
	}
}

func TestUntilFailsAtTheDeadlineSayingWhat(t *testing.T) {
	msg := failure(func(tb testing.TB) {
		Until(tb, "a condition that never holds", 20*time.Millisecond, func() bool { return false })
	})
	if !strings.Contains(msg, "waiting for a condition that never holds") {
		t.Fatalf("failure %q does not name what was awaited", msg)
	}
}

func TestGoroutinesWaitsForOneThatEnds(t *testing.T) {
	msg := failure(func(tb testing.TB) {
		base := runtime.NumGoroutine()
		release := make(chan struct{})
		go func() { <-release }()
		close(release)
		Goroutines(tb, base, 10*time.Second)
	})
	if msg != "" {
		t.Fatalf("failure %q, want none once the goroutine has ended", msg)
	}
}

func TestGoroutinesFailsWithTheStacksOfOneLeftBehind(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	msg := failure(func(tb testing.TB) {
		base := runtime.NumGoroutine()
		// Goroutines of earlier tests may still be ending and lower the
		// count below base; ten left behind outnumber them.
		for range 10 {
			go leftBehind(release)
		}
		Goroutines(tb, base, 20*time.Millisecond)
	})
	if !strings.Contains(msg, "want at most") || !strings.Contains(msg, "testwait.leftBehind") {
		t.Fatalf("failure %q does not show the goroutine left behind", msg)
	}
}

// leftBehind blocks until release closes; its name is what the failure's
// stack dump must show.
func leftBehind(release chan struct{}) { <-release }
