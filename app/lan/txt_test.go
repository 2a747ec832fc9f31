package lan

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

const (
	testFP    = "3F:9A:1C:2B:7D:4E:5F:60:01:23:45:67:89:AB:CD:EF:FE:DC:BA:98:76:54:32:10:00:11:22:33:44:55:66:77"
	testFPHex = "3f9a1c2b7d4e5f600123456789abcdeffedcba98765432100011223344556677"
)

func TestDecodeTXT(t *testing.T) {
	since := time.UnixMilli(1767225600123)
	good := func(extra ...string) []string {
		return append([]string{"v=1", "name=Ada", "fp=" + testFPHex, "since=1767225600123", "token=1"}, extra...)
	}
	without := func(key string) []string {
		var out []string
		for _, kv := range good() {
			if !strings.HasPrefix(kv, key+"=") {
				out = append(out, kv)
			}
		}
		return out
	}
	with := func(key, value string) []string {
		return append([]string{key + "=" + value}, without(key)...)
	}
	tests := []struct {
		name      string
		txt       []string
		ok        bool
		host      string
		token     bool
		wantSince time.Time
	}{
		{name: "complete", txt: good(), ok: true, host: "Ada", token: true},
		{name: "unknown keys and boolean attributes ignored", txt: good("colour=blue", "flag", "", "=x"), ok: true, host: "Ada", token: true},
		{name: "upper-case keys", txt: []string{"V=1", "NAME=Ada", "FP=" + testFPHex, "Since=1767225600123", "TOKEN=1"}, ok: true, host: "Ada", token: true},
		{name: "first of a repeated key counts", txt: append(good(), "name=Eve", "token=0"), ok: true, host: "Ada", token: true},
		{name: "upper-case fp", txt: with("fp", strings.ToUpper(testFPHex)), ok: true, host: "Ada", token: true},
		{name: "v missing is version 1", txt: without("v"), ok: true, host: "Ada", token: true},
		{name: "name missing is empty", txt: without("name"), ok: true, host: "", token: true},
		{name: "token missing is false", txt: without("token"), ok: true, host: "Ada"},
		{name: "token=0", txt: with("token", "0"), ok: true, host: "Ada"},
		{name: "token other than 1 is false", txt: with("token", "yes"), ok: true, host: "Ada"},
		{name: "fp missing", txt: without("fp")},
		{name: "fp empty", txt: with("fp", "")},
		{name: "fp bad hex", txt: with("fp", strings.Repeat("zz", 32))},
		{name: "fp short", txt: with("fp", testFPHex[:62])},
		{name: "fp long", txt: with("fp", testFPHex+"00")},
		{name: "fp with colons", txt: with("fp", testFP)},
		{name: "since missing", txt: without("since")},
		{name: "since not a number", txt: with("since", "yesterday")},
		{name: "since fractional", txt: with("since", "1.5")},
		{name: "since zero", txt: with("since", "0")},
		{name: "since negative", txt: with("since", "-5")},
		{name: "since overflows", txt: with("since", "99999999999999999999")},
		{name: "another version", txt: with("v", "2")},
		{name: "name with control characters", txt: with("name", "A\x00d\na\x1b"), ok: true, host: "Ada", token: true},
		{name: "name not UTF-8", txt: with("name", "Ad\xffa"), ok: true, host: "Ad\uFFFDa", token: true},
		{name: "name huge", txt: with("name", strings.Repeat("é", 200)), ok: true, host: strings.Repeat("é", 64), token: true},
		{name: "empty record", txt: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Service
			err := decodeTXT(tt.txt, &s)
			if (err == nil) != tt.ok {
				t.Fatalf("decodeTXT(%q) error = %v, want ok=%v", tt.txt, err, tt.ok)
			}
			if !tt.ok {
				return
			}
			if s.Host != tt.host || s.TokenNeeded != tt.token || s.Fingerprint != testFP || !s.Since.Equal(since) {
				t.Errorf("decodeTXT(%q) = host %q token %v fp %q since %v; want %q %v %q %v",
					tt.txt, s.Host, s.TokenNeeded, s.Fingerprint, s.Since, tt.host, tt.token, testFP, since)
			}
		})
	}
}

func TestCleanName(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"Ada Lovelace", "Ada Lovelace"},
		{"Zoë 😀", "Zoë 😀"},
		{strings.Repeat("a", 100), strings.Repeat("a", 64)},
		{strings.Repeat("é", 100), strings.Repeat("é", 64)},
		// 64 four-byte runes would be 256 bytes: cut at 250 (62 runes).
		{strings.Repeat("😀", 64), strings.Repeat("😀", 62)},
		{"tab\there", "tabhere"},
		{"\u202eevil", "\u202eevil"}, // a format character, not a control one: the UI's to render safely
		{"bad\xc3", "bad\uFFFD"},
	}
	for _, tt := range tests {
		got := cleanName(tt.in)
		if got != tt.want {
			t.Errorf("cleanName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if utf8.RuneCountInString(got) > maxHostRunes || len(got) > maxHostBytes || !utf8.ValidString(got) {
			t.Errorf("cleanName(%q) = %q: over the limits or not UTF-8", tt.in, got)
		}
	}
}

func TestFingerprint(t *testing.T) {
	h, err := fingerprintHex(testFP)
	if err != nil || h != testFPHex {
		t.Fatalf("fingerprintHex = %q, %v; want %q", h, err, testFPHex)
	}
	back, err := fingerprintFromHex(h)
	if err != nil || back != testFP {
		t.Fatalf("fingerprintFromHex = %q, %v; want %q", back, err, testFP)
	}
	if h, err := fingerprintHex(strings.ToLower(testFP)); err != nil || h != testFPHex {
		t.Errorf("lower-case fingerprint: %q, %v", h, err)
	}
	for _, bad := range []string{
		"", testFPHex, testFP[:len(testFP)-3], testFP + ":00", strings.Replace(testFP, "3F", "3G", 1),
		strings.Replace(testFP, "3F:", "3F0:", 1), strings.Replace(testFP, ":", "-", -1),
	} {
		if _, err := fingerprintHex(bad); err == nil {
			t.Errorf("fingerprintHex(%q) accepted", bad)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := testService()
	tests := []struct {
		name string
		edit func(*Service)
		ok   bool
	}{
		{"valid", func(*Service) {}, true},
		{"no addresses needed", func(s *Service) { s.Addrs = nil }, true},
		{"empty host", func(s *Service) { s.Host = "" }, true},
		{"huge host is cut, not refused", func(s *Service) { s.Host = strings.Repeat("x", 1000) }, true},
		{"UTF-8 instance", func(s *Service) { s.Instance = "Zoë's Parley" }, true},
		{"63-byte instance", func(s *Service) { s.Instance = strings.Repeat("p", 63) }, true},
		{"empty instance", func(s *Service) { s.Instance = "" }, false},
		{"64-byte instance", func(s *Service) { s.Instance = strings.Repeat("p", 64) }, false},
		{"dotted instance", func(s *Service) { s.Instance = "parley.one" }, false},
		{"control character in instance", func(s *Service) { s.Instance = "parley\n" }, false},
		{"instance not UTF-8", func(s *Service) { s.Instance = "parley\xff" }, false},
		{"bad fingerprint", func(s *Service) { s.Fingerprint = "AB:CD" }, false},
		{"port 0", func(s *Service) { s.Port = 0 }, false},
		{"port too big", func(s *Service) { s.Port = 65536 }, false},
		{"no start time", func(s *Service) { s.Since = time.Time{} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.edit(&s)
			if err := s.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestHostLabel(t *testing.T) {
	tests := []struct{ in, want string }{
		{"parley-3f9a1c2b7d4e5f60", "parley-3f9a1c2b7d4e5f60"},
		{"Parley-ABC", "parley-abc"},
		{"Zoë's Parley", "zo-s-parley"},
		{"--x--", "x"},
		{"ééé", "parley"},
		{strings.Repeat("ab", 31) + "c", strings.Repeat("ab", 31) + "c"},
	}
	for _, tt := range tests {
		if got := hostLabel(tt.in); got != tt.want {
			t.Errorf("hostLabel(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
