package lan

import (
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/dns/dnsmessage"
)

// FuzzParse feeds the packet decoder what a hostile LAN could send. It
// must never panic, and whatever it accepts must be within the limits.
func FuzzParse(f *testing.F) {
	s := testService()
	for _, ttl := range []time.Duration{recordTTL, 0} {
		pkt, err := buildResponse(s, ttl)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(pkt, false)
		f.Add(pkt[:len(pkt)/2], true)
	}
	s.Host, s.Addrs = strings.Repeat("😀", 64), nil
	if pkt, err := buildResponse(s, recordTTL); err == nil {
		f.Add(pkt, true)
	}
	for _, q := range []struct {
		name string
		typ  dnsmessage.Type
	}{{serviceType, dnsmessage.TypePTR}, {instanceName(s.Instance), dnsmessage.TypeSRV}, {hostName(s.Instance), dnsmessage.TypeALL}} {
		if pkt, err := buildQuery(q.name, q.typ); err == nil {
			f.Add(pkt, false)
		}
	}
	f.Add([]byte{}, false)
	f.Add(make([]byte, 12), true)

	f.Fuzz(func(t *testing.T, pkt []byte, v6 bool) {
		src, zone := netip.MustParseAddr("10.1.2.3"), ""
		if v6 {
			src, zone = netip.MustParseAddr("fe80::1"), "eth0"
		}
		m, err := parse(pkt, src, zone)
		if err != nil {
			return
		}
		if len(m.seen) > maxServices || len(m.questions) > maxQuestions {
			t.Fatalf("%d services, %d questions: over the limits", len(m.seen), len(m.questions))
		}
		for _, s := range m.seen {
			if checkInstance(s.Instance) != nil {
				t.Fatalf("accepted instance %q", s.Instance)
			}
			if s.TTL == 0 {
				continue
			}
			if s.TTL < 0 || s.TTL > maxTTL || s.Port < 1 || s.Port > 65535 || len(s.Addrs) == 0 || len(s.Addrs) > maxAddrs {
				t.Fatalf("accepted %+v", s)
			}
			if _, err := fingerprintHex(s.Fingerprint); err != nil {
				t.Fatalf("accepted fingerprint %q", s.Fingerprint)
			}
			if utf8.RuneCountInString(s.Host) > maxHostRunes || !utf8.ValidString(s.Host) {
				t.Fatalf("accepted host name %q", s.Host)
			}
			if s.Since.UnixMilli() <= 0 {
				t.Fatalf("accepted start time %v", s.Since)
			}
			for _, a := range s.Addrs {
				if !a.IsValid() || a.IsLoopback() || a.IsMulticast() || a.IsUnspecified() {
					t.Fatalf("accepted address %v", a)
				}
			}
		}
	})
}
