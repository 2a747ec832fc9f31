package lan

import (
	"errors"
	"fmt"
	"net/netip"
	"time"
	"unicode/utf8"
)

// Service is one Parley built-in server as advertised.
type Service struct {
	// Instance is the DNS-SD instance name, unique per installation and
	// stable across runs (e.g. "parley-3f9a1c2b7d4e5f60"); it is the key.
	// It is one DNS label: 1 to 63 bytes of UTF-8, no dots, no control
	// characters.
	Instance string
	// Host is the host user's display name (TXT "name"); it may be empty.
	// It is cut to 64 runes (and 250 bytes, to fit a TXT string), invalid
	// UTF-8 is replaced and control characters are dropped, on both sides.
	Host string
	// Fingerprint is the SHA-256 of the server certificate, formatted
	// "AB:CD:…" (32 bytes, upper-case hex, colons). TXT "fp" carries it as
	// 64 lower-case hex digits without colons.
	Fingerprint string
	// Port is the server's TCP port (the SRV port), 1 to 65535.
	Port int
	// Since is when the server started (TXT "since", Unix milliseconds), so
	// that callers can elect the longest-running host.
	Since time.Time
	// TokenNeeded says the server needs an invite token (TXT "token=1").
	TokenNeeded bool
	// Addrs are the server's addresses. Advertise ignores them: each answer
	// carries the addresses of the interface it goes out on. On the browser
	// side they come from the answer's A/AAAA records (the packet's source
	// address when it has none), at most 8, IPv4 first, IPv6 link-local
	// addresses last and zoned with the interface they were heard on.
	Addrs []netip.Addr
}

// Validate reports why s cannot be advertised, or nil. Advertise refuses a
// service that does not validate.
func (s Service) Validate() error {
	if err := checkInstance(s.Instance); err != nil {
		return err
	}
	if _, err := fingerprintHex(s.Fingerprint); err != nil {
		return err
	}
	if s.Port < 1 || s.Port > 65535 {
		return fmt.Errorf("lan: port %d out of range", s.Port)
	}
	if s.Since.UnixMilli() <= 0 {
		return errors.New("lan: start time (Since) not set")
	}
	return nil
}

// same reports whether s and o say the same, addresses aside.
func (s Service) same(o Service) bool {
	return s.Instance == o.Instance && s.Host == o.Host && s.Fingerprint == o.Fingerprint &&
		s.Port == o.Port && s.Since.Equal(o.Since) && s.TokenNeeded == o.TokenNeeded
}

// maxLabel is the longest DNS label (RFC 1035 §2.3.4).
const maxLabel = 63

// checkInstance reports whether inst can be an instance name here: one DNS
// label, as dnsmessage neither packs nor unpacks a label with a dot in it.
func checkInstance(inst string) error {
	if inst == "" || len(inst) > maxLabel {
		return fmt.Errorf("lan: instance name %q: must be 1 to %d bytes", inst, maxLabel)
	}
	if !utf8.ValidString(inst) {
		return fmt.Errorf("lan: instance name %q: not UTF-8", inst)
	}
	for _, r := range inst {
		if r == '.' || r < 0x20 || r == 0x7f {
			return fmt.Errorf("lan: instance name %q: dot or control character", inst)
		}
	}
	return nil
}

// hostLabel derives the SRV target's first label from an instance name:
// lower-case letters, digits and hyphens, as a host name must be. A
// per-instance host name never clashes with the machine's own, which the
// system's responder (avahi, Bonjour) owns.
func hostLabel(inst string) string {
	b := make([]byte, 0, len(inst))
	for _, r := range inst {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b = append(b, byte(r))
		case r >= 'A' && r <= 'Z':
			b = append(b, byte(r-'A'+'a'))
		case len(b) > 0 && b[len(b)-1] != '-':
			b = append(b, '-')
		}
	}
	for len(b) > 0 && b[len(b)-1] == '-' {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return "parley"
	}
	return string(b)
}
