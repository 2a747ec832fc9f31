package lan

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// sighting is one service as one received packet describes it.
type sighting struct {
	Service
	// TTL is how long the packet says the service lives. 0 is a goodbye,
	// and then only Service.Instance is set.
	TTL time.Duration
}

// question is one question a received query asks.
type question struct {
	name string // ASCII lower-case
	typ  dnsmessage.Type
}

// message is what one received packet says that matters here.
type message struct {
	query     bool
	questions []question // a query's, at most maxQuestions
	seen      []sighting // a response's services, sorted by Instance
}

// parse decodes one received mDNS packet. A query yields its questions; a
// response yields the Parley services it describes in full (PTR optional,
// SRV and TXT required, A/AAAA for the SRV target) and the goodbyes it
// carries (any of PTR, SRV, TXT with TTL 0). Records of other kinds, and
// services whose TXT lacks a valid "fp" or "since" or whose port is 0, are
// ignored. src is where the packet came from, the service's address when
// the packet names none; zone is the interface it arrived on, which IPv6
// link-local addresses need to be dialed. A malformed packet is an error,
// and nothing of it is used.
func parse(pkt []byte, src netip.Addr, zone string) (message, error) {
	if len(pkt) > maxPacket {
		return message{}, fmt.Errorf("lan: packet of %d bytes", len(pkt))
	}
	var p dnsmessage.Parser
	h, err := p.Start(pkt)
	if err != nil {
		return message{}, fmt.Errorf("lan: header: %w", err)
	}
	// RFC 6762 §18.3 and §18.11: other opcodes and error codes are ignored.
	if h.OpCode != 0 || h.RCode != dnsmessage.RCodeSuccess {
		return message{}, nil
	}
	if !h.Response {
		qs, err := readQuestions(&p)
		if err != nil {
			return message{}, err
		}
		return message{query: true, questions: qs}, nil
	}
	if err := p.SkipAllQuestions(); err != nil {
		return message{}, fmt.Errorf("lan: questions: %w", err)
	}
	rs := records{
		ptr:  map[string]time.Duration{},
		srv:  map[string]srvRecord{},
		txt:  map[string]txtRecord{},
		addr: map[string][]netip.Addr{},
	}
	if err := rs.read(&p, p.AnswerHeader, p.SkipAnswer); err != nil {
		return message{}, fmt.Errorf("lan: answers: %w", err)
	}
	if err := p.SkipAllAuthorities(); err != nil {
		return message{}, fmt.Errorf("lan: authorities: %w", err)
	}
	if err := rs.read(&p, p.AdditionalHeader, p.SkipAdditional); err != nil {
		return message{}, fmt.Errorf("lan: additionals: %w", err)
	}
	return message{seen: rs.sightings(src, zone)}, nil
}

// readQuestions reads a query's questions in class IN (or ANY), ignoring
// the unicast-response bit: answers are multicast anyway.
func readQuestions(p *dnsmessage.Parser) ([]question, error) {
	var qs []question
	for len(qs) < maxQuestions {
		q, err := p.Question()
		if errors.Is(err, dnsmessage.ErrSectionDone) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("lan: question: %w", err)
		}
		if c := q.Class &^ cacheFlush; c == dnsmessage.ClassINET || c == dnsmessage.ClassANY {
			qs = append(qs, question{name: asciiLower(q.Name.String()), typ: q.Type})
		}
	}
	return qs, nil
}

// records collects what a response's records say, by name.
type records struct {
	ptr  map[string]time.Duration // instance → PTR TTL
	srv  map[string]srvRecord     // instance → SRV
	txt  map[string]txtRecord     // instance → TXT
	addr map[string][]netip.Addr  // lower-case host name → live A/AAAA addresses
}

type srvRecord struct {
	target string // lower-case
	port   uint16
	ttl    time.Duration
}

type txtRecord struct {
	txt []string
	ttl time.Duration
}

// maxRawAddrs caps the addresses collected per host name in one packet,
// before unusable ones are dropped and the rest cut to maxAddrs.
const maxRawAddrs = 4 * maxAddrs

// read reads one section's records; next and skip are the parser's
// methods for that section.
func (rs *records) read(p *dnsmessage.Parser, next func() (dnsmessage.ResourceHeader, error), skip func() error) error {
	for {
		h, err := next()
		if errors.Is(err, dnsmessage.ErrSectionDone) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := rs.add(p, h, skip); err != nil {
			return err
		}
	}
}

// add reads the body of the record h heads, keeping what concerns Parley.
// When a record comes twice, the first one's data counts and the lower TTL,
// so that a goodbye anywhere in the packet is one.
func (rs *records) add(p *dnsmessage.Parser, h dnsmessage.ResourceHeader, skip func() error) error {
	if h.Class&^cacheFlush != dnsmessage.ClassINET {
		return skip()
	}
	ttl := min(time.Duration(h.TTL)*time.Second, maxTTL)
	name := h.Name.String()
	switch h.Type {
	case dnsmessage.TypePTR:
		if asciiLower(name) != serviceType {
			return skip()
		}
		r, err := p.PTRResource()
		if err != nil {
			return err
		}
		if inst, ok := instanceOf(r.PTR.String()); ok {
			if old, dup := rs.ptr[inst]; dup {
				ttl = min(ttl, old)
			}
			rs.ptr[inst] = ttl
		}
	case dnsmessage.TypeSRV:
		inst, ok := instanceOf(name)
		if !ok {
			return skip()
		}
		r, err := p.SRVResource()
		if err != nil {
			return err
		}
		rec := srvRecord{target: asciiLower(r.Target.String()), port: r.Port, ttl: ttl}
		if old, dup := rs.srv[inst]; dup {
			rec, rec.ttl = old, min(ttl, old.ttl)
		}
		rs.srv[inst] = rec
	case dnsmessage.TypeTXT:
		inst, ok := instanceOf(name)
		if !ok {
			return skip()
		}
		r, err := p.TXTResource()
		if err != nil {
			return err
		}
		rec := txtRecord{txt: r.TXT, ttl: ttl}
		if old, dup := rs.txt[inst]; dup {
			rec, rec.ttl = old, min(ttl, old.ttl)
		}
		rs.txt[inst] = rec
	case dnsmessage.TypeA:
		r, err := p.AResource()
		if err != nil {
			return err
		}
		rs.addAddr(name, netip.AddrFrom4(r.A), ttl)
	case dnsmessage.TypeAAAA:
		r, err := p.AAAAResource()
		if err != nil {
			return err
		}
		rs.addAddr(name, netip.AddrFrom16(r.AAAA), ttl)
	default:
		return skip()
	}
	return nil
}

func (rs *records) addAddr(name string, a netip.Addr, ttl time.Duration) {
	name = asciiLower(name)
	if ttl > 0 && len(rs.addr[name]) < maxRawAddrs {
		rs.addr[name] = append(rs.addr[name], a)
	}
}

// sightings turns the records into services, sorted by instance, at most
// maxServices.
func (rs *records) sightings(src netip.Addr, zone string) []sighting {
	names := make(map[string]struct{}, len(rs.srv))
	for k := range rs.ptr {
		names[k] = struct{}{}
	}
	for k := range rs.srv {
		names[k] = struct{}{}
	}
	for k := range rs.txt {
		names[k] = struct{}{}
	}
	var out []sighting
	for _, inst := range slices.Sorted(maps.Keys(names)) {
		if len(out) == maxServices {
			break
		}
		ptrTTL, hasPTR := rs.ptr[inst]
		srv, hasSRV := rs.srv[inst]
		txt, hasTXT := rs.txt[inst]
		if hasPTR && ptrTTL == 0 || hasSRV && srv.ttl == 0 || hasTXT && txt.ttl == 0 {
			out = append(out, sighting{Service: Service{Instance: inst}})
			continue
		}
		if !hasSRV || !hasTXT || srv.port == 0 {
			continue // incomplete: a PTR alone, or a record for another purpose
		}
		s := Service{Instance: inst, Port: int(srv.port)}
		if decodeTXT(txt.txt, &s) != nil {
			continue
		}
		ttl := min(srv.ttl, txt.ttl)
		if hasPTR {
			ttl = min(ttl, ptrTTL)
		}
		if s.Addrs = usableAddrs(rs.addr[srv.target], zone); len(s.Addrs) == 0 {
			s.Addrs = usableAddrs([]netip.Addr{src}, zone)
		}
		if len(s.Addrs) == 0 {
			continue // nowhere to connect to
		}
		out = append(out, sighting{Service: s, TTL: ttl})
	}
	return out
}

// instanceOf returns the instance an <instance>._parley._tcp.local. name
// names, if it is one (DNS names compare case-insensitively).
func instanceOf(name string) (string, bool) {
	const suffix = "." + serviceType
	if len(name) <= len(suffix) || asciiLower(name[len(name)-len(suffix):]) != suffix {
		return "", false
	}
	inst := name[:len(name)-len(suffix)]
	if checkInstance(inst) != nil {
		return "", false
	}
	return inst, true
}

// asciiLower lower-cases ASCII letters only, as DNS compares names
// (RFC 4343); other bytes, UTF-8 included, are left alone.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// orderAddrs sorts addresses the way callers should try them: IPv4 first,
// then routable IPv6, then IPv6 link-local (which needs a zone, and which
// browsers cannot use in a URL).
func orderAddrs(as []netip.Addr) {
	rank := func(a netip.Addr) int {
		switch {
		case a.Is4():
			return 0
		case !a.IsLinkLocalUnicast():
			return 1
		default:
			return 2
		}
	}
	slices.SortFunc(as, func(a, b netip.Addr) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), a.Compare(b))
	})
}
