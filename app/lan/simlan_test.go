package lan

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
)

// simLAN is a link in memory, for testing the loop without sockets: what a
// member sends, every member receives (the sender too, as with multicast
// loopback), from the sender's address and port 5353. A member's queue
// that is full drops, as a full socket buffer does.
type simLAN struct {
	mu      sync.Mutex
	members map[*simConn]bool
	dead    map[netip.Addr]bool
}

func newSimLAN() *simLAN {
	return &simLAN{members: map[*simConn]bool{}, dead: map[netip.Addr]bool{}}
}

func simIface() net.Interface {
	return net.Interface{Index: 7, Name: "sim0", MTU: 1500, Flags: net.FlagUp | net.FlagMulticast}
}

// system is what a Discovery at addr on the link sees of the machine.
func (n *simLAN) system(addr string) system {
	a := netip.MustParseAddr(addr)
	return system{
		listen: func(_ context.Context, recv chan<- packet, quit <-chan struct{}, _ *slog.Logger) (conn, error) {
			c := &simConn{lan: n, addr: a, in: make(chan packet, 64), recv: recv, quit: quit, stop: make(chan struct{})}
			c.wg.Go(c.pump)
			return c, nil
		},
		interfaces: func() ([]net.Interface, error) { return []net.Interface{simIface()}, nil },
		prefixes:   func(net.Interface) ([]netip.Prefix, error) { return []netip.Prefix{netip.PrefixFrom(a, 24)}, nil },
	}
}

// deliver hands p to every member that has not vanished.
func (n *simLAN) deliver(p packet) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.dead[p.src.Addr()] {
		return
	}
	for m := range n.members {
		if !n.dead[m.addr] {
			select {
			case m.in <- packet{data: bytes.Clone(p.data), src: p.src, ifindex: p.ifindex}:
			default:
			}
		}
	}
}

// inject delivers pkt as if a host at src had sent it.
func (n *simLAN) inject(pkt []byte, src string) {
	n.deliver(packet{data: pkt, src: netip.AddrPortFrom(netip.MustParseAddr(src), mdnsPort), ifindex: simIface().Index})
}

// vanish takes the member at addr off the link, as if its process had
// been killed: nothing it sends arrives, not even a goodbye.
func (n *simLAN) vanish(addr string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.dead[netip.MustParseAddr(addr)] = true
}

// sent counts the packets the member at addr has sent.
func (n *simLAN) sent(addr string) int64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	var total int64
	for m := range n.members {
		if m.addr == netip.MustParseAddr(addr) {
			total += m.sent.Load()
		}
	}
	return total
}

type simConn struct {
	lan  *simLAN
	addr netip.Addr
	in   chan packet
	recv chan<- packet
	quit <-chan struct{}
	stop chan struct{}
	wg   sync.WaitGroup
	sent atomic.Int64
}

func (c *simConn) join(net.Interface) error {
	c.lan.mu.Lock()
	defer c.lan.mu.Unlock()
	c.lan.members[c] = true
	return nil
}

func (c *simConn) leave(net.Interface) {
	c.lan.mu.Lock()
	defer c.lan.mu.Unlock()
	delete(c.lan.members, c)
}

func (c *simConn) send(ifi net.Interface, _ []netip.Addr, pkt []byte) error {
	c.sent.Add(1)
	c.lan.deliver(packet{data: pkt, src: netip.AddrPortFrom(c.addr, mdnsPort), ifindex: ifi.Index})
	return nil
}

func (c *simConn) close() error {
	c.leave(net.Interface{})
	close(c.stop)
	c.wg.Wait()
	return nil
}

// pump plays the socket reader: it passes what arrives to the loop.
func (c *simConn) pump() {
	for {
		select {
		case p := <-c.in:
			select {
			case c.recv <- p:
			case <-c.quit:
				return
			}
		case <-c.stop:
			return
		}
	}
}

// levels is a slog handler that remembers the highest level logged.
type levels struct {
	mu   sync.Mutex
	max  slog.Level
	msgs []string
}

func newLevels() *levels { return &levels{max: slog.LevelDebug - 1} }

func (h *levels) Enabled(context.Context, slog.Level) bool { return true }
func (h *levels) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *levels) WithGroup(string) slog.Handler            { return h }
func (h *levels) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.max = max(h.max, r.Level)
	h.msgs = append(h.msgs, r.Level.String()+" "+r.Message)
	return nil
}

func (h *levels) highest() (slog.Level, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.max, append([]string(nil), h.msgs...)
}
