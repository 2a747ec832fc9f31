package lan

import (
	"fmt"
	"net/netip"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

const (
	// serviceType is the DNS-SD service type Parley's servers advertise.
	serviceType = "_parley._tcp.local."
	// recordTTL is the TTL of every record advertised: RFC 6762 §10's
	// figure for records that name a host (SRV, A, AAAA), used for all of
	// them so the set lives and dies together.
	recordTTL = 120 * time.Second
	// maxTTL caps a received TTL (RFC 6762 §10's 75 minutes), so that a
	// record nobody refreshes is gone within the hour whatever it claimed.
	maxTTL = 75 * time.Minute
	// cacheFlush is the top bit of a record's class (RFC 6762 §10.2): the
	// record replaces, rather than adds to, what caches hold for its name.
	// It is set on the unique records (SRV, TXT, A, AAAA), not on the
	// shared PTR.
	cacheFlush = 0x8000
	// maxPacket is the largest packet read (RFC 6762 §17's 9000 bytes).
	maxPacket = 9000
	// maxServices caps the services tracked, and read from one packet.
	maxServices = 256
	// maxAddrs caps the addresses kept per service.
	maxAddrs = 8
	// maxQuestions caps the questions read from one query.
	maxQuestions = 64
)

// instanceName is the DNS name of an instance's SRV and TXT records.
func instanceName(inst string) string { return inst + "." + serviceType }

// hostName is the DNS name of an instance's A and AAAA records.
func hostName(inst string) string { return hostLabel(inst) + ".local." }

// buildResponse packs the record set that advertises s, every record with
// TTL ttl (0 for a goodbye): PTR, SRV and TXT as answers, the first
// maxAddrs of s.Addrs as A and AAAA records in the additional section
// (RFC 6763 §12).
func buildResponse(s Service, ttl time.Duration) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	txt, err := encodeTXT(s)
	if err != nil {
		return nil, err
	}
	typ, err := dnsmessage.NewName(serviceType)
	if err != nil {
		return nil, fmt.Errorf("lan: %w", err)
	}
	inst, err := dnsmessage.NewName(instanceName(s.Instance))
	if err != nil {
		return nil, fmt.Errorf("lan: instance %q: %w", s.Instance, err)
	}
	host, err := dnsmessage.NewName(hostName(s.Instance))
	if err != nil {
		return nil, fmt.Errorf("lan: host name for %q: %w", s.Instance, err)
	}
	secs := uint32(ttl / time.Second)
	unique := func(n dnsmessage.Name) dnsmessage.ResourceHeader {
		return dnsmessage.ResourceHeader{Name: n, Class: dnsmessage.ClassINET | cacheFlush, TTL: secs}
	}
	b := dnsmessage.NewBuilder(make([]byte, 0, 512), dnsmessage.Header{Response: true, Authoritative: true})
	b.EnableCompression()
	if err := b.StartAnswers(); err != nil {
		return nil, fmt.Errorf("lan: pack response: %w", err)
	}
	if err := b.PTRResource(dnsmessage.ResourceHeader{Name: typ, Class: dnsmessage.ClassINET, TTL: secs},
		dnsmessage.PTRResource{PTR: inst}); err != nil {
		return nil, fmt.Errorf("lan: pack PTR: %w", err)
	}
	if err := b.SRVResource(unique(inst), dnsmessage.SRVResource{Target: host, Port: uint16(s.Port)}); err != nil {
		return nil, fmt.Errorf("lan: pack SRV: %w", err)
	}
	if err := b.TXTResource(unique(inst), dnsmessage.TXTResource{TXT: txt}); err != nil {
		return nil, fmt.Errorf("lan: pack TXT: %w", err)
	}
	if err := b.StartAdditionals(); err != nil {
		return nil, fmt.Errorf("lan: pack response: %w", err)
	}
	for _, a := range s.Addrs[:min(len(s.Addrs), maxAddrs)] {
		switch a = a.Unmap(); {
		case !a.IsValid():
			continue
		case a.Is4():
			err = b.AResource(unique(host), dnsmessage.AResource{A: a.As4()})
		default: // a zone, if any, stays behind: the receiver adds its own
			err = b.AAAAResource(unique(host), dnsmessage.AAAAResource{AAAA: a.As16()})
		}
		if err != nil {
			return nil, fmt.Errorf("lan: pack address %s: %w", a, err)
		}
	}
	msg, err := b.Finish()
	if err != nil {
		return nil, fmt.Errorf("lan: pack response: %w", err)
	}
	return msg, nil
}

// buildQuery packs a query with one question, asking for a multicast
// answer.
func buildQuery(name string, typ dnsmessage.Type) ([]byte, error) {
	n, err := dnsmessage.NewName(name)
	if err != nil {
		return nil, fmt.Errorf("lan: query %q: %w", name, err)
	}
	b := dnsmessage.NewBuilder(make([]byte, 0, 64), dnsmessage.Header{})
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, fmt.Errorf("lan: pack query: %w", err)
	}
	if err := b.Question(dnsmessage.Question{Name: n, Type: typ, Class: dnsmessage.ClassINET}); err != nil {
		return nil, fmt.Errorf("lan: pack query %q: %w", name, err)
	}
	msg, err := b.Finish()
	if err != nil {
		return nil, fmt.Errorf("lan: pack query: %w", err)
	}
	return msg, nil
}

// usableAddrs returns the addresses in as worth dialing, in the order
// callers should try them (see orderAddrs), at most maxAddrs. IPv6
// link-local addresses are zoned with zone, or dropped when zone is empty
// and they have none: without a zone they cannot be dialed. IPv4-mapped
// IPv6 addresses become IPv4 ones.
func usableAddrs(as []netip.Addr, zone string) []netip.Addr {
	out := make([]netip.Addr, 0, min(len(as), maxAddrs))
	for _, a := range as {
		a = a.Unmap()
		if !a.IsValid() || a.IsUnspecified() || a.IsLoopback() || a.IsMulticast() ||
			a == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
			continue
		}
		if a.Is6() && a.IsLinkLocalUnicast() && a.Zone() == "" {
			if zone == "" {
				continue
			}
			a = a.WithZone(zone)
		}
		if !a.IsLinkLocalUnicast() {
			a = a.WithZone("")
		}
		if !containsAddr(out, a) {
			out = append(out, a)
		}
	}
	orderAddrs(out)
	return out[:min(len(out), maxAddrs)]
}

func containsAddr(as []netip.Addr, a netip.Addr) bool {
	for _, b := range as {
		if a == b {
			return true
		}
	}
	return false
}
