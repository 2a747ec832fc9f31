package bridge

import "net"

// Addr returns the listening address.
func (b *Bridge) Addr() net.Addr { return b.ln.Addr() }

// Clients returns the number of connected pages.
func (b *Bridge) Clients() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.conns)
}
