package main

import (
	"syscall"
	"time"
)

// selfCPU returns the user+system CPU time this process has used, so the
// report can set the generator's cost per frame beside the server's: both
// share the machine's cores, and a generator that costs as much as the
// server halves the rate the server can be driven at.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
