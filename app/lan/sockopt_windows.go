//go:build windows

package lan

import (
	"fmt"
	"syscall"
)

// reuseAddrPort lets the socket share port 5353 with the system's mDNS
// responder and with other Parley processes. Windows has no SO_REUSEPORT;
// SO_REUSEADDR alone shares a UDP port there.
func reuseAddrPort(_, _ string, c syscall.RawConn) error {
	var serr error
	if err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(syscall.Handle(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
	}); err != nil {
		return fmt.Errorf("lan: socket options: %w", err)
	}
	if serr != nil {
		return fmt.Errorf("lan: share port %d: %w", mdnsPort, serr)
	}
	return nil
}
