//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package lan

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// reuseAddrPort lets the socket share port 5353 with the system's mDNS
// responder (avahi, Bonjour) and with other Parley processes; each of them
// gets every multicast packet.
func reuseAddrPort(_, _ string, c syscall.RawConn) error {
	var serr error
	if err := c.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
		if serr == nil {
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
		}
	}); err != nil {
		return fmt.Errorf("lan: socket options: %w", err)
	}
	if serr != nil {
		return fmt.Errorf("lan: share port %d: %w", mdnsPort, serr)
	}
	return nil
}
