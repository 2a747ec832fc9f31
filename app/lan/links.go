package lan

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// link is one interface in use.
type link struct {
	ifi      net.Interface
	prefixes []netip.Prefix // as at the last rescan
	answerAt time.Time      // when the pending answer goes; zero when none
	lastSent time.Time      // when our records last went out here
}

// addLink joins the group on ifi and starts using it.
func (l *loop) addLink(ifi net.Interface) error {
	if err := l.conn.join(ifi); err != nil {
		return err
	}
	ps, err := l.sys.prefixes(ifi)
	if err != nil {
		l.log.Debug("lan: interface addresses", "interface", ifi.Name, "err", err)
	}
	l.links[ifi.Index] = &link{ifi: ifi, prefixes: ps}
	return nil
}

// rescan looks at the interfaces again: with automatic selection it starts
// using new ones (asking at once who is there) and stops using those gone;
// either way, a changed address has our service announced again.
func (l *loop) rescan(now time.Time) {
	l.rescanAt = now.Add(rescanEvery)
	renew := false
	if l.auto {
		all, err := l.sys.interfaces()
		if err != nil {
			l.log.Debug("lan: list interfaces", "err", err)
			return
		}
		seen := map[int]bool{}
		for _, ifi := range selectInterfaces(all) {
			seen[ifi.Index] = true
			if lk, ok := l.links[ifi.Index]; ok {
				lk.ifi = ifi
				continue
			}
			if err := l.addLink(ifi); err != nil {
				l.log.Debug("lan: interface left out", "interface", ifi.Name, "err", err)
				continue
			}
			l.log.Debug("lan: using a new interface", "interface", ifi.Name)
			if pkt, err := buildQuery(serviceType, dnsmessage.TypePTR); err == nil {
				l.queryOn(l.links[ifi.Index], pkt)
			}
			renew = true
		}
		for i, lk := range l.links {
			if !seen[i] {
				l.conn.leave(lk.ifi)
				delete(l.links, i)
			}
		}
	}
	for _, lk := range l.links {
		ps, err := l.sys.prefixes(lk.ifi)
		if err != nil || slices.Equal(ps, lk.prefixes) {
			continue
		}
		lk.prefixes = ps
		renew = true
	}
	if renew && l.own != nil {
		l.announces, l.announceAt = 0, now
	}
}

// linkFor is the interface p came in on, or nil when it is not one in use.
func (l *loop) linkFor(p packet) *link {
	if p.ifindex != 0 {
		return l.links[p.ifindex]
	}
	// The platform does not say: the interface whose network holds the
	// source, or for IPv6 link-local, whose name is the source's zone.
	src := p.src.Addr()
	for _, lk := range l.links {
		if src.Zone() != "" && src.Zone() == lk.ifi.Name {
			return lk
		}
		for _, pf := range lk.prefixes {
			if pf.Contains(src.WithZone("")) {
				return lk
			}
		}
	}
	return nil
}

// joinAll joins the mDNS group on the interfaces given, or on every
// suitable one when given none; a failure on one of those is logged and
// the interface left out.
func (l *loop) joinAll(given []net.Interface) error {
	if given != nil {
		for _, ifi := range given {
			if err := l.addLink(ifi); err != nil {
				return err
			}
		}
		return nil
	}
	all, err := l.sys.interfaces()
	if err != nil {
		return fmt.Errorf("lan: list interfaces: %w", err)
	}
	for _, ifi := range selectInterfaces(all) {
		if err := l.addLink(ifi); err != nil {
			l.log.Debug("lan: interface left out", "interface", ifi.Name, "err", err)
		}
	}
	return nil
}
