package auth

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Mode names an access-control mode, as given to --auth.
type Mode string

// The access-control modes.
const (
	ModeOpen   Mode = "open"
	ModeToken  Mode = "token"
	ModeSigned Mode = "signed"
)

// Error is a refusal: a missing, wrong, expired or malformed token. Its
// text is safe to show to the client; it never contains the token.
type Error struct{ Reason string }

func (e *Error) Error() string { return "unauthorized: " + e.Reason }

// ErrNoSecret is returned by New for a guarded mode without its secret.
var ErrNoSecret = errors.New("auth: this mode needs a secret")

// Grant is what an accepted request may do. User is the only name it may
// register; "" means any name.
type Grant struct{ User string }

// Authorizer checks a WebSocket upgrade request.
type Authorizer interface {
	Authorize(r *http.Request) (Grant, error)
}

// New returns the Authorizer for mode. secret is the shared token for
// ModeToken and the signing key for ModeSigned; ModeOpen ignores it.
func New(mode Mode, secret string) (Authorizer, error) {
	switch mode {
	case ModeOpen, "":
		return open{}, nil
	case ModeToken:
		if secret == "" {
			return nil, ErrNoSecret
		}
		return sharedToken(secret), nil
	case ModeSigned:
		if secret == "" {
			return nil, ErrNoSecret
		}
		return signed(secret), nil
	}
	return nil, errors.New(`auth: unknown mode (want "open", "token" or "signed")`)
}

// TokenFrom returns the token a request carries: the "token" query
// parameter, or else an "Authorization: Bearer" header.
func TokenFrom(r *http.Request) string {
	if t := r.URL.Query().Get("token"); t != "" {
		return t
	}
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

type open struct{}

func (open) Authorize(*http.Request) (Grant, error) { return Grant{}, nil }

type sharedToken string

func (s sharedToken) Authorize(r *http.Request) (Grant, error) {
	t := TokenFrom(r)
	if t == "" {
		return Grant{}, &Error{Reason: "this server needs an access token (?token=...)"}
	}
	if subtle.ConstantTimeCompare([]byte(t), []byte(s)) != 1 {
		return Grant{}, &Error{Reason: "wrong access token"}
	}
	return Grant{}, nil
}

type signed string

func (s signed) Authorize(r *http.Request) (Grant, error) {
	t := TokenFrom(r)
	if t == "" {
		return Grant{}, &Error{Reason: "this server needs an access token (?token=...)"}
	}
	user, err := Verify(string(s), t, time.Now())
	if err != nil {
		return Grant{}, err
	}
	return Grant{User: user}, nil
}
