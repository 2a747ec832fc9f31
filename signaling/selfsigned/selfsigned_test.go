package selfsigned

import (
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestGeneratedOnceAndKept(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	a, err := LoadOrCreate(dir, []string{"192.0.2.7", "parley.lan"}, now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreate(dir, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	if a.Fingerprint != b.Fingerprint {
		t.Fatalf("fingerprint changed between runs: %s then %s", a.Fingerprint, b.Fingerprint)
	}
	if len(a.Fingerprint) != 32*3-1 {
		t.Fatalf("fingerprint %q is not 32 colon-separated bytes", a.Fingerprint)
	}
	if err := a.Leaf.VerifyHostname("192.0.2.7"); err != nil {
		t.Fatalf("LAN address not covered: %v", err)
	}
	if err := a.Leaf.VerifyHostname("parley.lan"); err != nil {
		t.Fatalf("host name not covered: %v", err)
	}
	st, err := os.Stat(filepath.Join(dir, "key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key.pem mode %v, want 0600", st.Mode().Perm())
	}
}

func TestRenewedNearExpiry(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	a, err := LoadOrCreate(dir, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreate(dir, nil, now.Add(Validity-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if a.Fingerprint == b.Fingerprint {
		t.Fatal("a certificate a day from expiry was kept")
	}
}

func TestCorruptFileIsReplaced(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), []byte("not a cert"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(dir, nil, time.Now()); err != nil {
		t.Fatalf("corrupt certificate not replaced: %v", err)
	}
}

// The app's own client trusts exactly its server's certificate.
func TestPoolTrustsServer(t *testing.T) {
	c, err := LoadOrCreate(t.TempDir(), nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Listener.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{c.TLS}}
	srv.StartTLS()
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.Pool()}}}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatalf("client with the pool refused the server: %v", err)
	}
	resp.Body.Close()
	if _, err := http.Get(srv.URL); err == nil {
		t.Fatal("a client with system roots trusted the self-signed certificate")
	}
}

func TestParseFingerprint(t *testing.T) {
	c, err := LoadOrCreate(t.TempDir(), nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{c.Fingerprint, FingerprintHex(c.Fingerprint), strings.ToLower(c.Fingerprint)} {
		got, err := ParseFingerprint(in)
		if err != nil || got != c.Fingerprint {
			t.Errorf("ParseFingerprint(%q) = %q, %v; want %q", in, got, err, c.Fingerprint)
		}
	}
	for _, bad := range []string{"", "AB:CD", FingerprintHex(c.Fingerprint)[:63], FingerprintHex(c.Fingerprint) + "00",
		strings.Replace(FingerprintHex(c.Fingerprint), FingerprintHex(c.Fingerprint)[:1], "g", 1), ":" + c.Fingerprint[1:] + "0"} {
		if got, err := ParseFingerprint(bad); !errors.Is(err, ErrBadFingerprint) {
			t.Errorf("ParseFingerprint(%q) = %q, %v; want ErrBadFingerprint", bad, got, err)
		}
	}
}
