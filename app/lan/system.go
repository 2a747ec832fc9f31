package lan

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
)

// packet is one datagram as received.
type packet struct {
	data    []byte
	src     netip.AddrPort
	ifindex int // the interface it arrived on; 0 when the platform does not say
}

// conn is the loop's way onto the network: the mDNS sockets, or in tests a
// simulated link. Only the loop's goroutine calls its methods; the packets
// it receives go to the channel it was opened with.
type conn interface {
	// join starts receiving mDNS on ifi.
	join(ifi net.Interface) error
	// leave stops receiving on ifi, which may be gone already.
	leave(ifi net.Interface)
	// send multicasts pkt out of ifi: over IPv4 if addrs (ifi's addresses)
	// has an IPv4 one, over IPv6 if it has an IPv6 one, as a packet needs a
	// source address of its family.
	send(ifi net.Interface, addrs []netip.Addr, pkt []byte) error
	// close stops receiving and waits for the goroutines that did.
	close() error
}

// system is what Discovery needs from the machine; tests swap in a
// simulated one.
type system struct {
	// listen opens the mDNS sockets; what they receive goes to recv until
	// quit is closed.
	listen func(ctx context.Context, recv chan<- packet, quit <-chan struct{}, log *slog.Logger) (conn, error)
	// interfaces lists the machine's network interfaces.
	interfaces func() ([]net.Interface, error)
	// prefixes lists ifi's addresses with their networks.
	prefixes func(ifi net.Interface) ([]netip.Prefix, error)
}

func realSystem() system {
	return system{listen: listenMDNS, interfaces: net.Interfaces, prefixes: interfacePrefixes}
}

func interfacePrefixes(ifi net.Interface) ([]netip.Prefix, error) {
	as, err := ifi.Addrs()
	if err != nil {
		return nil, fmt.Errorf("lan: addresses of %s: %w", ifi.Name, err)
	}
	out := make([]netip.Prefix, 0, len(as))
	for _, a := range as {
		ipn, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		addr, ok := netip.AddrFromSlice(ipn.IP)
		if !ok {
			continue
		}
		ones, _ := ipn.Mask.Size()
		out = append(out, netip.PrefixFrom(addr.Unmap(), ones))
	}
	return out, nil
}

// selectInterfaces picks the interfaces to use when the caller names none:
// those up, multicast-capable and not loopback.
func selectInterfaces(all []net.Interface) []net.Interface {
	var out []net.Interface
	for _, ifi := range all {
		if ifi.Flags&net.FlagUp != 0 && ifi.Flags&net.FlagMulticast != 0 && ifi.Flags&net.FlagLoopback == 0 {
			out = append(out, ifi)
		}
	}
	return out
}

// ownAddrs are the addresses to advertise on an interface with prefixes ps:
// its unicast addresses in the order callers should try them, at most
// maxAddrs.
func ownAddrs(ps []netip.Prefix) []netip.Addr {
	as := make([]netip.Addr, 0, len(ps))
	for _, p := range ps {
		a := p.Addr().Unmap().WithZone("")
		if a.IsValid() && !a.IsUnspecified() && !a.IsLoopback() && !a.IsMulticast() && !containsAddr(as, a) {
			as = append(as, a)
		}
	}
	orderAddrs(as)
	return as[:min(len(as), maxAddrs)]
}
