package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// tokenPrefix versions the token format, so a future format can be told
// apart instead of failing its signature check.
const tokenPrefix = "p1"

// b64 is strict so that no second spelling of a signature or user decodes
// to the same bytes.
var b64 = base64.RawURLEncoding.Strict()

// Sign issues a token that lets its holder register user until now+ttl:
// "p1.<base64url(user)>.<expiry unix seconds>.<base64url(HMAC-SHA256)>".
// The token is URL-safe, so it can go in a query string unescaped.
func Sign(secret, user string, ttl time.Duration, now time.Time) (string, error) {
	if secret == "" {
		return "", ErrNoSecret
	}
	if user == "" {
		return "", errors.New("auth: a signed token needs a user")
	}
	if ttl <= 0 {
		return "", errors.New("auth: ttl must be positive")
	}
	body := tokenPrefix + "." + b64.EncodeToString([]byte(user)) + "." + strconv.FormatInt(now.Add(ttl).Unix(), 10)
	return body + "." + b64.EncodeToString(mac(secret, body)), nil
}

// Verify checks a signed token and returns the user it is bound to.
func Verify(secret, token string, now time.Time) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 || parts[0] != tokenPrefix {
		return "", &Error{Reason: "malformed token"}
	}
	sig, err := b64.DecodeString(parts[3])
	// encoding/base64 skips \r and \n even when strict, so a signature with
	// line breaks in it would decode to the right bytes: only the canonical
	// spelling is accepted, one token per grant.
	if err != nil || b64.EncodeToString(sig) != parts[3] {
		return "", &Error{Reason: "malformed token"}
	}
	body := strings.Join(parts[:3], ".")
	if !hmac.Equal(sig, mac(secret, body)) {
		return "", &Error{Reason: "invalid token signature"}
	}
	user, err := b64.DecodeString(parts[1])
	if err != nil || len(user) == 0 {
		return "", &Error{Reason: "malformed token"}
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", &Error{Reason: "malformed token"}
	}
	if now.Unix() >= exp {
		return "", &Error{Reason: "token expired"}
	}
	return string(user), nil
}

func mac(secret, body string) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(body))
	return h.Sum(nil)
}
