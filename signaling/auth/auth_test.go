package auth

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func authorize(t *testing.T, a Authorizer, query, bearer string) (Grant, error) {
	t.Helper()
	r := httptest.NewRequest("GET", "/"+query, nil)
	if bearer != "" {
		r.Header.Set("Authorization", "Bearer "+bearer)
	}
	return a.Authorize(r)
}

func TestSharedToken(t *testing.T) {
	a, err := New(ModeToken, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := authorize(t, a, "?token=s3cret", ""); err != nil {
		t.Errorf("query token: %v", err)
	}
	if _, err := authorize(t, a, "", "s3cret"); err != nil {
		t.Errorf("bearer token: %v", err)
	}
	for _, c := range [][2]string{{"", ""}, {"?token=wrong", ""}, {"", "s3cre"}, {"?token=s3cret%20", ""}} {
		var ae *Error
		if _, err := authorize(t, a, c[0], c[1]); !errors.As(err, &ae) {
			t.Errorf("query %q bearer %q: err %v, want *Error", c[0], c[1], err)
		}
	}
}

func TestSignedToken(t *testing.T) {
	a, err := New(ModeSigned, "key")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := Sign("key", "alice", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	g, err := authorize(t, a, "?token="+tok, "")
	if err != nil || g.User != "alice" {
		t.Fatalf("grant %+v, %v", g, err)
	}
	forged, _ := Sign("other", "alice", time.Hour, time.Now())
	expired, _ := Sign("key", "alice", time.Minute, time.Now().Add(-time.Hour))
	parts := strings.Split(tok, ".")
	renamed := strings.Join([]string{parts[0], b64.EncodeToString([]byte("bob")), parts[2], parts[3]}, ".")
	extended := strings.Join([]string{parts[0], parts[1], "99999999999", parts[3]}, ".")
	for name, bad := range map[string]string{
		"missing": "", "forged": forged, "expired": expired, "renamed": renamed,
		"extended": extended, "garbage": "p1.%%%.1.x", "wrong version": "p0" + tok[2:],
	} {
		var ae *Error
		if _, err := authorize(t, a, "?token="+bad, ""); !errors.As(err, &ae) {
			t.Errorf("%s: err %v, want *Error", name, err)
		}
	}
}

func TestNewNeedsSecret(t *testing.T) {
	for _, m := range []Mode{ModeToken, ModeSigned} {
		if _, err := New(m, ""); !errors.Is(err, ErrNoSecret) {
			t.Errorf("%s without secret: %v", m, err)
		}
	}
	if _, err := New("nonsense", "x"); err == nil {
		t.Error("unknown mode accepted")
	}
	a, err := New(ModeOpen, "")
	if err != nil {
		t.Fatal(err)
	}
	if g, err := authorize(t, a, "", ""); err != nil || g.User != "" {
		t.Errorf("open: %+v %v", g, err)
	}
}

func FuzzVerify(f *testing.F) {
	tok, _ := Sign("key", "alice", time.Hour, time.Unix(1e9, 0))
	f.Add(tok)
	f.Add("p1...")
	f.Fuzz(func(t *testing.T, s string) {
		user, err := Verify("key", s, time.Unix(1e9, 0))
		if err == nil && s != tok {
			t.Fatalf("accepted %q as %q", s, user)
		}
	})
}
