package lan

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

func testService() Service {
	return Service{
		Instance:    "parley-3f9a1c2b7d4e5f60",
		Host:        "Ada Lovelace",
		Fingerprint: testFP,
		Port:        8443,
		Since:       time.UnixMilli(1767225600123),
		TokenNeeded: true,
		Addrs:       addrs("10.1.2.3", "2001:db8::5", "fe80::1"),
	}
}

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParseAddr(s)
	}
	return out
}

var testSrc = netip.MustParseAddr("10.1.2.3")

// sameService compares everything, Since by instant.
func sameService(a, b Service) bool {
	return a.same(b) && slices.Equal(a.Addrs, b.Addrs)
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Service)
		src   netip.Addr
		zone  string
		addrs []netip.Addr // what the browser should see
	}{
		{name: "full", zone: "eth0", addrs: addrs("10.1.2.3", "2001:db8::5", "fe80::1%eth0")},
		{name: "link-local dropped without a zone", addrs: addrs("10.1.2.3", "2001:db8::5")},
		{name: "no token, no name", edit: func(s *Service) { s.TokenNeeded, s.Host = false, "" },
			addrs: addrs("10.1.2.3", "2001:db8::5")},
		{name: "unicode name and instance", edit: func(s *Service) { s.Host, s.Instance = "Zoë 😀 李", "Zoë's Parley" },
			addrs: addrs("10.1.2.3", "2001:db8::5")},
		{name: "addresses in the order to try", edit: func(s *Service) { s.Addrs = addrs("fe80::1", "2001:db8::5", "10.9.9.9", "10.1.2.3") },
			zone: "wlan0", addrs: addrs("10.1.2.3", "10.9.9.9", "2001:db8::5", "fe80::1%wlan0")},
		{name: "no addresses: the packet's source", edit: func(s *Service) { s.Addrs = nil },
			src: netip.MustParseAddr("192.168.1.20"), addrs: addrs("192.168.1.20")},
		{name: "IPv6 source zoned", edit: func(s *Service) { s.Addrs = nil },
			src: netip.MustParseAddr("fe80::99"), zone: "eth1", addrs: addrs("fe80::99%eth1")},
		{name: "more than 8 addresses", edit: func(s *Service) {
			s.Addrs = nil
			for i := range 12 {
				s.Addrs = append(s.Addrs, netip.AddrFrom4([4]byte{10, 0, 0, byte(i + 1)}))
			}
		}, addrs: addrs("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testService()
			if tt.edit != nil {
				tt.edit(&s)
			}
			src := tt.src
			if !src.IsValid() {
				src = testSrc
			}
			pkt, err := buildResponse(s, recordTTL)
			if err != nil {
				t.Fatal(err)
			}
			m, err := parse(pkt, src, tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			want := s
			want.Host = cleanName(s.Host)
			want.Addrs = tt.addrs
			if m.query || len(m.seen) != 1 || m.seen[0].TTL != recordTTL || !sameService(m.seen[0].Service, want) {
				t.Fatalf("parse(buildResponse(s)) = %+v\nwant one sighting of %+v with TTL %v", m, want, recordTTL)
			}
		})
	}
}

func TestBuildResponseRecords(t *testing.T) {
	pkt, err := buildResponse(testService(), recordTTL)
	if err != nil {
		t.Fatal(err)
	}
	var msg dnsmessage.Message
	if err := msg.Unpack(pkt); err != nil {
		t.Fatal(err)
	}
	if !msg.Response || !msg.Authoritative || msg.ID != 0 || len(msg.Questions) != 0 {
		t.Errorf("header %+v, %d questions: want an authoritative response with ID 0 and no questions", msg.Header, len(msg.Questions))
	}
	var got []string
	for _, r := range append(msg.Answers, msg.Additionals...) {
		got = append(got, fmt.Sprintf("%s %v class=%#x ttl=%d", r.Header.Name, r.Header.Type, uint16(r.Header.Class), r.Header.TTL))
	}
	want := []string{
		"_parley._tcp.local. TypePTR class=0x1 ttl=120",
		"parley-3f9a1c2b7d4e5f60._parley._tcp.local. TypeSRV class=0x8001 ttl=120",
		"parley-3f9a1c2b7d4e5f60._parley._tcp.local. TypeTXT class=0x8001 ttl=120",
		"parley-3f9a1c2b7d4e5f60.local. TypeA class=0x8001 ttl=120",
		"parley-3f9a1c2b7d4e5f60.local. TypeAAAA class=0x8001 ttl=120",
		"parley-3f9a1c2b7d4e5f60.local. TypeAAAA class=0x8001 ttl=120",
	}
	if !slices.Equal(got, want) {
		t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(msg.Answers) != 3 {
		t.Errorf("%d answers, want PTR, SRV and TXT as answers and addresses as additionals", len(msg.Answers))
	}
	if srv, ok := msg.Answers[1].Body.(*dnsmessage.SRVResource); !ok || srv.Port != 8443 || srv.Target.String() != "parley-3f9a1c2b7d4e5f60.local." {
		t.Errorf("SRV %+v", msg.Answers[1].Body)
	}
	wantTXT := []string{"v=1", "name=Ada Lovelace", "fp=" + testFPHex, "since=1767225600123", "token=1"}
	if txt, ok := msg.Answers[2].Body.(*dnsmessage.TXTResource); !ok || !slices.Equal(txt.TXT, wantTXT) {
		t.Errorf("TXT %+v, want %q", msg.Answers[2].Body, wantTXT)
	}
}

func TestBuildResponseRefusesInvalid(t *testing.T) {
	s := testService()
	s.Fingerprint = "nope"
	if _, err := buildResponse(s, recordTTL); err == nil {
		t.Error("built a response for a service without a valid fingerprint")
	}
}

func TestBuildResponseHugeName(t *testing.T) {
	s := testService()
	s.Host = strings.Repeat("😀", 1000)
	pkt, err := buildResponse(s, recordTTL)
	if err != nil {
		t.Fatal(err)
	}
	m, err := parse(pkt, testSrc, "")
	if err != nil || len(m.seen) != 1 || m.seen[0].Host != strings.Repeat("😀", 62) {
		t.Fatalf("huge name: %+v, %v", m, err)
	}
}

func TestGoodbye(t *testing.T) {
	pkt, err := buildResponse(testService(), 0)
	if err != nil {
		t.Fatal(err)
	}
	m, err := parse(pkt, testSrc, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.seen) != 1 || m.seen[0].TTL != 0 || m.seen[0].Instance != testService().Instance {
		t.Fatalf("goodbye parsed as %+v", m.seen)
	}
	// A PTR with TTL 0 alone is a goodbye too.
	pkt = respond(t, func(b *dnsmessage.Builder) error {
		return b.PTRResource(hdr(serviceType, 0, false), dnsmessage.PTRResource{PTR: name("x." + serviceType)})
	})
	if m, err := parse(pkt, testSrc, ""); err != nil || len(m.seen) != 1 || m.seen[0].Instance != "x" || m.seen[0].TTL != 0 {
		t.Fatalf("PTR goodbye parsed as %+v, %v", m, err)
	}
}

func TestQuery(t *testing.T) {
	pkt, err := buildQuery(serviceType, dnsmessage.TypePTR)
	if err != nil {
		t.Fatal(err)
	}
	m, err := parse(pkt, testSrc, "")
	if err != nil {
		t.Fatal(err)
	}
	if !m.query || len(m.seen) != 0 || !slices.Equal(m.questions, []question{{serviceType, dnsmessage.TypePTR}}) {
		t.Fatalf("query parsed as %+v", m)
	}
	// Questions are lower-cased, and the unicast-response bit is ignored.
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{})
	must(t, b.StartQuestions())
	must(t, b.Question(dnsmessage.Question{Name: name("X._Parley._TCP.local."), Type: dnsmessage.TypeSRV, Class: dnsmessage.ClassINET | cacheFlush}))
	must(t, b.Question(dnsmessage.Question{Name: name("other.local."), Type: dnsmessage.TypeA, Class: dnsmessage.ClassCHAOS}))
	pkt, err = b.Finish()
	must(t, err)
	m, err = parse(pkt, testSrc, "")
	if err != nil || !slices.Equal(m.questions, []question{{"x._parley._tcp.local.", dnsmessage.TypeSRV}}) {
		t.Fatalf("query parsed as %+v, %v", m, err)
	}
}

// respond builds a response with the records add adds as answers.
func respond(t *testing.T, add func(*dnsmessage.Builder) error) []byte {
	t.Helper()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{Response: true})
	must(t, b.StartAnswers())
	must(t, add(&b))
	pkt, err := b.Finish()
	must(t, err)
	return pkt
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func name(s string) dnsmessage.Name { return dnsmessage.MustNewName(s) }

func hdr(n string, ttl uint32, unique bool) dnsmessage.ResourceHeader {
	c := dnsmessage.ClassINET
	if unique {
		c |= cacheFlush
	}
	return dnsmessage.ResourceHeader{Name: name(n), Class: c, TTL: ttl}
}

// addService adds a service's PTR, SRV and TXT records, built by hand.
func addService(b *dnsmessage.Builder, inst string, port uint16, txt []string, ttl uint32) error {
	if err := b.PTRResource(hdr(serviceType, ttl, false), dnsmessage.PTRResource{PTR: name(inst + "." + serviceType)}); err != nil {
		return err
	}
	if err := b.SRVResource(hdr(inst+"."+serviceType, ttl, true), dnsmessage.SRVResource{Target: name(inst + ".local."), Port: port}); err != nil {
		return err
	}
	return b.TXTResource(hdr(inst+"."+serviceType, ttl, true), dnsmessage.TXTResource{TXT: txt})
}

func goodTXT() []string {
	return []string{"v=1", "name=Ada", "fp=" + testFPHex, "since=1767225600123", "token=0"}
}

func TestParseIgnores(t *testing.T) {
	tests := []struct {
		name string
		add  func(*dnsmessage.Builder) error
		want []string // instances seen
	}{
		{"complete", func(b *dnsmessage.Builder) error { return addService(b, "p1", 1, goodTXT(), 120) }, []string{"p1"}},
		{"without PTR", func(b *dnsmessage.Builder) error {
			must(t, b.SRVResource(hdr("p1."+serviceType, 120, true), dnsmessage.SRVResource{Target: name("h.local."), Port: 1}))
			return b.TXTResource(hdr("p1."+serviceType, 120, true), dnsmessage.TXTResource{TXT: goodTXT()})
		}, []string{"p1"}},
		{"upper-case names", func(b *dnsmessage.Builder) error {
			return addService(b, "P1", 1, goodTXT(), 120)
		}, []string{"P1"}},
		{"PTR alone", func(b *dnsmessage.Builder) error {
			return b.PTRResource(hdr(serviceType, 120, false), dnsmessage.PTRResource{PTR: name("p1." + serviceType)})
		}, nil},
		{"no TXT", func(b *dnsmessage.Builder) error {
			return b.SRVResource(hdr("p1."+serviceType, 120, true), dnsmessage.SRVResource{Target: name("h.local."), Port: 1})
		}, nil},
		{"no SRV", func(b *dnsmessage.Builder) error {
			return b.TXTResource(hdr("p1."+serviceType, 120, true), dnsmessage.TXTResource{TXT: goodTXT()})
		}, nil},
		{"port 0", func(b *dnsmessage.Builder) error { return addService(b, "p1", 0, goodTXT(), 120) }, nil},
		{"missing fp", func(b *dnsmessage.Builder) error { return addService(b, "p1", 1, goodTXT()[:3], 120) }, nil},
		{"another service type", func(b *dnsmessage.Builder) error {
			must(t, b.SRVResource(hdr("p1._http._tcp.local.", 120, true), dnsmessage.SRVResource{Target: name("h.local."), Port: 1}))
			return b.TXTResource(hdr("p1._http._tcp.local.", 120, true), dnsmessage.TXTResource{TXT: goodTXT()})
		}, nil},
		{"a sub-type name", func(b *dnsmessage.Builder) error { return addService(b, "a.b", 1, goodTXT(), 120) }, nil},
		{"class CHAOS", func(b *dnsmessage.Builder) error {
			h := hdr("p1."+serviceType, 120, true)
			h.Class = dnsmessage.ClassCHAOS
			must(t, b.SRVResource(h, dnsmessage.SRVResource{Target: name("h.local."), Port: 1}))
			return b.TXTResource(h, dnsmessage.TXTResource{TXT: goodTXT()})
		}, nil},
		{"one good, one bad, other records", func(b *dnsmessage.Builder) error {
			must(t, b.AResource(hdr("router.local.", 120, true), dnsmessage.AResource{A: [4]byte{10, 0, 0, 1}}))
			must(t, b.CNAMEResource(hdr("x.local.", 120, false), dnsmessage.CNAMEResource{CNAME: name("y.local.")}))
			must(t, addService(b, "bad", 1, []string{"since=1"}, 120))
			return addService(b, "good", 1, goodTXT(), 120)
		}, []string{"good"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parse(respond(t, tt.add), testSrc, "")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range m.seen {
				got = append(got, s.Instance)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("saw %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	good, err := buildResponse(testService(), recordTTL)
	must(t, err)
	withHeader := func(f func([]byte)) []byte {
		p := slices.Clone(good)
		f(p)
		return p
	}
	tests := []struct {
		name string
		pkt  []byte
		err  bool
	}{
		{"empty", nil, true},
		{"short header", good[:5], true},
		{"truncated", good[:len(good)-3], true},
		{"cut in the middle", good[:len(good)/2], true},
		{"count beyond the data", withHeader(func(p []byte) { p[7] = 200 }), true},
		{"oversized", append(slices.Clone(good), make([]byte, maxPacket)...), true},
		{"compression loop", withHeader(func(p []byte) { p[12], p[13] = 0xC0, 12 }), true},
		{"opcode 1 ignored", withHeader(func(p []byte) { p[2] |= 1 << 3 }), false},
		{"rcode 3 ignored", withHeader(func(p []byte) { p[3] |= 3 }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parse(tt.pkt, testSrc, "")
			if (err != nil) != tt.err {
				t.Fatalf("parse error = %v, want error %v", err, tt.err)
			}
			if len(m.seen) != 0 || m.query {
				t.Errorf("parse gave %+v, want nothing", m)
			}
		})
	}
}

func TestParseAddrs(t *testing.T) {
	a := func(b *dnsmessage.Builder, host, s string, ttl uint32) {
		ip := netip.MustParseAddr(s)
		if ip.Is4() {
			must(t, b.AResource(hdr(host, ttl, true), dnsmessage.AResource{A: ip.As4()}))
		} else {
			must(t, b.AAAAResource(hdr(host, ttl, true), dnsmessage.AAAAResource{AAAA: ip.As16()}))
		}
	}
	tests := []struct {
		name string
		add  func(*dnsmessage.Builder)
		want []netip.Addr
	}{
		{"unusable addresses dropped", func(b *dnsmessage.Builder) {
			for _, s := range []string{"127.0.0.1", "0.0.0.0", "224.0.0.251", "255.255.255.255", "::1", "::", "ff02::fb", "10.0.0.7"} {
				a(b, "p1.local.", s, 120)
			}
		}, addrs("10.0.0.7")},
		{"duplicates once, mapped IPv4 unmapped", func(b *dnsmessage.Builder) {
			a(b, "p1.local.", "10.0.0.7", 120)
			a(b, "p1.local.", "::ffff:10.0.0.7", 120)
			a(b, "p1.local.", "10.0.0.8", 120)
		}, addrs("10.0.0.7", "10.0.0.8")},
		{"other hosts' addresses ignored", func(b *dnsmessage.Builder) {
			a(b, "other.local.", "10.0.0.9", 120)
		}, addrs("10.1.2.3")},
		{"host name case-insensitive", func(b *dnsmessage.Builder) {
			a(b, "P1.Local.", "10.0.0.9", 120)
		}, addrs("10.0.0.9")},
		{"address goodbyes ignored", func(b *dnsmessage.Builder) {
			a(b, "p1.local.", "10.0.0.9", 0)
			a(b, "p1.local.", "10.0.0.10", 120)
		}, addrs("10.0.0.10")},
		{"at most 8: the best of the first 32", func(b *dnsmessage.Builder) {
			for i := range 40 {
				a(b, "p1.local.", fmt.Sprintf("fe80::%d", i+1), 120) // never chosen: no zone
				a(b, "p1.local.", fmt.Sprintf("10.0.1.%d", 40-i), 120)
			}
		}, addrs("10.0.1.25", "10.0.1.26", "10.0.1.27", "10.0.1.28", "10.0.1.29", "10.0.1.30", "10.0.1.31", "10.0.1.32")},
		{"none usable: the source", func(b *dnsmessage.Builder) {
			a(b, "p1.local.", "127.0.0.1", 120)
		}, addrs("10.1.2.3")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkt := respond(t, func(b *dnsmessage.Builder) error {
				must(t, addService(b, "p1", 1, goodTXT(), 120))
				tt.add(b)
				return nil
			})
			m, err := parse(pkt, testSrc, "")
			if err != nil || len(m.seen) != 1 {
				t.Fatalf("parse = %+v, %v", m, err)
			}
			if got := m.seen[0].Addrs; !slices.Equal(got, tt.want) {
				t.Errorf("addresses %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseTTL(t *testing.T) {
	tests := []struct {
		name    string
		ttl     uint32
		ptrTTL  uint32
		wantTTL time.Duration
	}{
		{"as given", 120, 120, 120 * time.Second},
		{"lowest of the set", 120, 30, 30 * time.Second},
		{"capped", 1 << 31, 1 << 31, maxTTL},
		{"any record at 0 is a goodbye", 120, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkt := respond(t, func(b *dnsmessage.Builder) error {
				must(t, b.PTRResource(hdr(serviceType, tt.ptrTTL, false), dnsmessage.PTRResource{PTR: name("p1." + serviceType)}))
				must(t, b.SRVResource(hdr("p1."+serviceType, tt.ttl, true), dnsmessage.SRVResource{Target: name("h.local."), Port: 1}))
				return b.TXTResource(hdr("p1."+serviceType, tt.ttl, true), dnsmessage.TXTResource{TXT: goodTXT()})
			})
			m, err := parse(pkt, testSrc, "")
			if err != nil || len(m.seen) != 1 || m.seen[0].TTL != tt.wantTTL {
				t.Fatalf("parse = %+v, %v; want TTL %v", m, err, tt.wantTTL)
			}
		})
	}
}

func TestSightingsCap(t *testing.T) {
	// No 9000-byte packet holds more than maxServices complete services,
	// but the cap must hold whatever a packet can carry.
	rs := records{ptr: map[string]time.Duration{}, srv: map[string]srvRecord{}, txt: map[string]txtRecord{}, addr: map[string][]netip.Addr{}}
	for i := range maxServices + 20 {
		inst := fmt.Sprintf("p%03d", i)
		rs.srv[inst] = srvRecord{target: "h.local.", port: 1, ttl: recordTTL}
		rs.txt[inst] = txtRecord{txt: goodTXT(), ttl: recordTTL}
	}
	seen := rs.sightings(testSrc, "")
	if len(seen) != maxServices || seen[0].Instance != "p000" || seen[maxServices-1].Instance != fmt.Sprintf("p%03d", maxServices-1) {
		t.Fatalf("%d sightings, want the first %d by instance", len(seen), maxServices)
	}
}
