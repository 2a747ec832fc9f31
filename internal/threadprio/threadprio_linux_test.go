//go:build linux

package threadprio

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// A raised goroutine runs at the nice value asked for while its siblings
// keep the process's, and when it ends its thread goes with it.
func TestRaiseIsThisGoroutinesAlone(t *testing.T) {
	base, err := current()
	if err != nil {
		t.Fatal(err)
	}
	if base > Video {
		var lim unix.Rlimit
		_ = unix.Getrlimit(unix.RLIMIT_NICE, &lim)
		if unix.Geteuid() != 0 && int(20-lim.Cur) > Video {
			t.Skip("this user may not raise a thread's priority (no CAP_SYS_NICE, RLIMIT_NICE too low); Raise then does nothing, as tested below")
		}
	}
	raised := make(chan int)
	go func() {
		if !Raise(Video) {
			raised <- 99
			return
		}
		n, _ := current()
		raised <- n
	}()
	if n := <-raised; n != Video {
		t.Fatalf("raised goroutine at nice %d, want %d", n, Video)
	}
	// Every other goroutine, on whatever thread, keeps the base value.
	for range 50 {
		done := make(chan int)
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			n, _ := current()
			done <- n
		}()
		if n := <-done; n != base {
			t.Fatalf("a later goroutine runs at nice %d, the process at %d: the raised thread was reused", n, base)
		}
	}
}
