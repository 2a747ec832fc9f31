package server

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, c := range []struct {
		remote, xff string
		trusted     []netip.Prefix
		want        string
	}{
		{"203.0.113.5:1234", "198.51.100.1", nil, "203.0.113.5"},             // header ignored without trusted proxies
		{"203.0.113.5:1234", "198.51.100.1", proxies, "203.0.113.5"},         // not from a trusted proxy
		{"10.0.0.2:1234", "198.51.100.1", proxies, "198.51.100.1"},           // via the proxy
		{"10.0.0.2:1234", "1.1.1.1, 198.51.100.1", proxies, "198.51.100.1"},  // the client's own entry is not believed
		{"10.0.0.2:1234", "198.51.100.1, 10.0.0.3", proxies, "198.51.100.1"}, // two proxies
		{"10.0.0.2:1234", "", proxies, "10.0.0.2"},
		{"10.0.0.2:1234", "not-an-ip", proxies, "10.0.0.2"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := clientIP(r, c.trusted); got != c.want {
			t.Errorf("remote %s xff %q: %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
}
