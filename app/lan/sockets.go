package lan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// mdnsPort is the port mDNS queries and answers go from and to.
const mdnsPort = 5353

// A socket that fails readFailures times in a row (it should not) pauses
// readPause before each further try, rather than spin a core. A single
// failure does not pause: on Windows an oversized packet is one, and a
// LAN must not be able to slow the reading down.
const (
	readFailures = 10
	readPause    = 10 * time.Millisecond
)

func group4() *net.UDPAddr { return &net.UDPAddr{IP: net.IPv4(224, 0, 0, 251), Port: mdnsPort} }
func group6() *net.UDPAddr { return &net.UDPAddr{IP: net.ParseIP("ff02::fb"), Port: mdnsPort} }

// sockets are the mDNS sockets: one for IPv4, which is required, one for
// IPv6 when the machine has it. Both are bound to the wildcard address
// with the port shared (see reuseAddrPort), and receive only after joining
// the group on an interface.
type sockets struct {
	log     *slog.Logger
	c4      net.PacketConn
	p4      *ipv4.PacketConn
	c6      net.PacketConn   // nil without IPv6
	p6      *ipv6.PacketConn // nil without IPv6
	joined6 map[int]bool     // interfaces IPv6 joined the group on
	wg      sync.WaitGroup
}

func listenMDNS(ctx context.Context, recv chan<- packet, quit <-chan struct{}, log *slog.Logger) (conn, error) {
	lc := net.ListenConfig{Control: reuseAddrPort}
	port := strconv.Itoa(mdnsPort)
	c4, err := lc.ListenPacket(ctx, "udp4", net.JoinHostPort("0.0.0.0", port))
	if err != nil {
		return nil, fmt.Errorf("lan: listen on UDP port %s (IPv4): %w", port, err)
	}
	s := &sockets{log: log, c4: c4, p4: ipv4.NewPacketConn(c4), joined6: map[int]bool{}}
	// TTL 255 is what RFC 6762 §11 has mDNS sent with; loopback lets the
	// other mDNS processes on this machine (avahi, another Parley) hear us.
	if err := errors.Join(s.p4.SetMulticastTTL(255), s.p4.SetMulticastLoopback(true)); err != nil {
		_ = c4.Close()
		return nil, fmt.Errorf("lan: IPv4 multicast options: %w", err)
	}
	if err := s.p4.SetControlMessage(ipv4.FlagInterface, true); err != nil {
		log.Debug("lan: IPv4 packets will not say their interface; telling them apart by source address", "err", err)
	}
	if c6, err := lc.ListenPacket(ctx, "udp6", net.JoinHostPort("::", port)); err != nil {
		log.Debug("lan: no IPv6 mDNS", "err", err)
	} else {
		s.c6, s.p6 = c6, ipv6.NewPacketConn(c6)
		if err := errors.Join(s.p6.SetMulticastHopLimit(255), s.p6.SetMulticastLoopback(true)); err != nil {
			log.Debug("lan: IPv6 multicast options", "err", err)
		}
		if err := s.p6.SetControlMessage(ipv6.FlagInterface, true); err != nil {
			log.Debug("lan: IPv6 packets will not say their interface; telling them apart by source address", "err", err)
		}
	}
	s.wg.Go(func() {
		s.read(func(b []byte) (int, int, net.Addr, error) {
			n, cm, src, err := s.p4.ReadFrom(b)
			if cm == nil {
				return n, 0, src, err
			}
			return n, cm.IfIndex, src, err
		}, recv, quit)
	})
	if s.p6 != nil {
		s.wg.Go(func() {
			s.read(func(b []byte) (int, int, net.Addr, error) {
				n, cm, src, err := s.p6.ReadFrom(b)
				if cm == nil {
					return n, 0, src, err
				}
				return n, cm.IfIndex, src, err
			}, recv, quit)
		})
	}
	return s, nil
}

// read passes what one socket receives to recv until the socket is closed.
// from reads one packet and the index of the interface it came in on.
func (s *sockets) read(from func([]byte) (int, int, net.Addr, error), recv chan<- packet, quit <-chan struct{}) {
	// One byte more than the largest packet taken: a larger one comes cut
	// to the buffer's size, and is told apart by filling it.
	buf := make([]byte, maxPacket+1)
	failures := 0
	for {
		n, ifindex, src, err := from(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			// An ICMP error surfacing, or (on Windows) an oversized packet.
			s.log.Debug("lan: read", "err", err)
			if failures++; failures >= readFailures {
				select {
				case <-quit:
					return
				case <-time.After(readPause):
				}
			}
			continue
		}
		failures = 0
		ua, ok := src.(*net.UDPAddr)
		if !ok || n > maxPacket {
			s.log.Debug("lan: dropped a packet", "from", src, "bytes", n)
			continue
		}
		ap := ua.AddrPort()
		p := packet{data: bytes.Clone(buf[:n]), src: netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), ifindex: ifindex}
		select {
		case recv <- p:
		case <-quit:
			return
		}
	}
}

func (s *sockets) join(ifi net.Interface) error {
	if err := s.p4.JoinGroup(&ifi, group4()); err != nil {
		return fmt.Errorf("lan: join 224.0.0.251 on %s: %w", ifi.Name, err)
	}
	if s.p6 == nil {
		return nil
	}
	if err := s.p6.JoinGroup(&ifi, group6()); err != nil {
		s.log.Debug("lan: no IPv6 mDNS on this interface", "interface", ifi.Name, "err", err)
		return nil
	}
	s.joined6[ifi.Index] = true
	return nil
}

func (s *sockets) leave(ifi net.Interface) {
	_ = s.p4.LeaveGroup(&ifi, group4())
	if s.joined6[ifi.Index] {
		_ = s.p6.LeaveGroup(&ifi, group6())
		delete(s.joined6, ifi.Index)
	}
}

// send picks the outgoing interface with the multicast-interface option,
// which every platform has; only the loop's goroutine sends, so setting it
// and writing need no lock.
func (s *sockets) send(ifi net.Interface, addrs []netip.Addr, pkt []byte) error {
	var errs []error
	if slices.ContainsFunc(addrs, netip.Addr.Is4) {
		if err := s.p4.SetMulticastInterface(&ifi); err != nil {
			errs = append(errs, fmt.Errorf("lan: IPv4 multicast interface %s: %w", ifi.Name, err))
		} else if _, err := s.p4.WriteTo(pkt, nil, group4()); err != nil {
			errs = append(errs, fmt.Errorf("lan: send on %s (IPv4): %w", ifi.Name, err))
		}
	}
	if s.joined6[ifi.Index] && slices.ContainsFunc(addrs, netip.Addr.Is6) {
		if err := s.p6.SetMulticastInterface(&ifi); err != nil {
			errs = append(errs, fmt.Errorf("lan: IPv6 multicast interface %s: %w", ifi.Name, err))
		} else if _, err := s.p6.WriteTo(pkt, nil, group6()); err != nil {
			errs = append(errs, fmt.Errorf("lan: send on %s (IPv6): %w", ifi.Name, err))
		}
	}
	return errors.Join(errs...)
}

func (s *sockets) close() error {
	err := s.c4.Close()
	if s.c6 != nil {
		err = errors.Join(err, s.c6.Close())
	}
	s.wg.Wait()
	if err != nil {
		return fmt.Errorf("lan: close sockets: %w", err)
	}
	return nil
}
