//go:build linux

package threadprio

import (
	"runtime"

	"golang.org/x/sys/unix"
)

func raise(nice int) bool {
	runtime.LockOSThread()
	// On Linux the nice value is per thread: PRIO_PROCESS with a thread
	// id sets that thread alone.
	if err := unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), nice); err != nil {
		runtime.UnlockOSThread()
		return false
	}
	return true
}

// current returns the calling thread's nice value.
func current() (int, error) {
	// getpriority returns 20 − nice, so that it is never negative.
	p, err := unix.Getpriority(unix.PRIO_PROCESS, unix.Gettid())
	return 20 - p, err
}
