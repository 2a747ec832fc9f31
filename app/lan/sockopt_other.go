//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package lan

import "syscall"

// reuseAddrPort does nothing where Parley has no desktop build: the port is
// not shared, and Start fails if another mDNS process holds it.
func reuseAddrPort(_, _ string, _ syscall.RawConn) error { return nil }
