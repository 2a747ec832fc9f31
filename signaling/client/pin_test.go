package client

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/testsignal"
	"github.com/parleyhq/parley/signaling/selfsigned"
)

// startTLSServer runs a real server over TLS with a fresh self-signed
// certificate, as the desktop's built-in server does.
func startTLSServer(t *testing.T) (url string, cert *selfsigned.Cert) {
	t.Helper()
	cert, err := selfsigned.LoadOrCreate(t.TempDir(), nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := testsignal.StartTLS(t, serverConfig, cert.CertFile, cert.KeyFile)
	return "wss://" + s.Addr + "/", cert
}

// flipDigit changes the first hex digit of a fingerprint.
func flipDigit(fp string) string {
	b := []byte(fp)
	if b[0] == '0' {
		b[0] = '1'
	} else {
		b[0] = '0'
	}
	return string(b)
}

func TestPinnedServer(t *testing.T) {
	url, cert := startTLSServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// Without a pin, the self-signed certificate is refused, as before.
	if c, err := Dial(ctx, Config{URL: url, Name: "nopin"}); err == nil {
		c.Close()
		t.Fatal("a self-signed server was accepted without a pin")
	}

	// The pinned certificate is accepted, in either spelling.
	for _, fp := range []string{cert.Fingerprint, selfsigned.FingerprintHex(cert.Fingerprint)} {
		conf, err := PinnedTLS(fp)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Dial(ctx, Config{URL: url, Name: "alice", TLS: conf})
		if err != nil {
			t.Fatalf("pinned %s: %v", fp, err)
		}
		c.Close()
	}

	// One digit off: refused, naming both fingerprints.
	wrong := flipDigit(cert.Fingerprint)
	conf, err := PinnedTLS(wrong)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Dial(ctx, Config{URL: url, Name: "bob", TLS: conf})
	var ie *IdentityError
	if !errors.As(err, &ie) {
		t.Fatalf("wrong pin: got %v, want an IdentityError", err)
	}
	if ie.Pinned != wrong || ie.Presented != cert.Fingerprint || !strings.Contains(err.Error(), "identity changed") {
		t.Fatalf("wrong pin: %+v (%v)", ie, err)
	}

	// A session does not retry it: it stops with the same error.
	s, err := Connect(ctx, LinkConfig{Config: Config{URL: url, Name: "carol", TLS: conf}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Done():
	case <-ctx.Done():
		t.Fatal("the session kept retrying a server whose identity changed")
	}
	if !errors.As(s.Err(), &ie) {
		t.Fatalf("session stopped with %v, want an IdentityError", s.Err())
	}
	s.Close()

	if _, err := PinnedTLS("not a fingerprint"); !errors.Is(err, selfsigned.ErrBadFingerprint) {
		t.Fatalf("PinnedTLS of garbage: %v", err)
	}
}
