package main

import (
	"fmt"
	"syscall"
)

// raiseFileLimit lifts RLIMIT_NOFILE so that n connections fit: each client
// is one descriptor here, and one more in the server when it runs
// in-process or as our child (children inherit the limit). The soft limit is
// raised to the hard one; the hard one only if we are allowed to (root).
func raiseFileLimit(n uint64) (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if lim.Cur >= n {
		return lim.Cur, nil
	}
	if lim.Max < n {
		want := lim
		want.Max, want.Cur = n, n
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want) == nil {
			return n, nil
		}
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if lim.Cur < n {
		return lim.Cur, fmt.Errorf("open-file limit is %d, need %d: raise it with ulimit -n (as root) or use fewer clients", lim.Cur, n)
	}
	return lim.Cur, nil
}
