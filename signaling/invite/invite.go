// Package invite reads and writes invite links: the address of a Parley
// signaling server together with the SHA-256 fingerprint of its
// certificate, for servers that no certificate authority vouches for (a
// desktop's built-in server on a LAN).
//
// One link serves both kinds of guest. A browser opens it as an https://
// page and ignores the query (its user checks the certificate warning
// against the fingerprint). A Parley desktop, given the same link, or its
// parley:// twin from the system's URL handler, connects to the server's
// WebSocket and accepts exactly the certificate the link names, instead of
// asking a certificate authority (see client.PinnedTLS).
package invite

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/signaling/selfsigned"
)

// Scheme is the URL scheme the desktop app registers (x-scheme-handler),
// so that a click on a parley:// link in a browser or a chat opens it.
const Scheme = "parley"

// MaxLength bounds a link: a pasted paragraph is not a link.
const MaxLength = 2048

// Link is a parsed invite link.
type Link struct {
	// Host is the server's host and port, as net.JoinHostPort writes them.
	Host string
	// Fingerprint is the SHA-256 fingerprint of the server's certificate,
	// in selfsigned.Fingerprint's form ("AB:CD:…").
	Fingerprint string
}

// ErrBadLink is wrapped by every error Parse returns, so the UI can tell a
// mistyped link from a server that cannot be reached.
var ErrBadLink = errors.New("not a Parley invite link")

// Parse reads an invite link: https://, wss:// or parley:// followed by a
// host with a port, and the query parameter fp holding the certificate's
// fingerprint (64 hex digits, or the colon-separated form browsers show).
// Other parameters are ignored, so later additions stay readable here.
func Parse(raw string) (Link, error) {
	raw = strings.TrimSpace(raw)
	if len(raw) > MaxLength {
		return Link{}, fmt.Errorf("%w: longer than %d characters", ErrBadLink, MaxLength)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Link{}, fmt.Errorf("%w: %v", ErrBadLink, err)
	}
	switch u.Scheme {
	case "https", "wss", Scheme:
	default:
		return Link{}, fmt.Errorf("%w: it must start with https://, wss:// or %s://", ErrBadLink, Scheme)
	}
	if u.User != nil {
		return Link{}, fmt.Errorf("%w: it must not hold a user name or password", ErrBadLink)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return Link{}, fmt.Errorf("%w: it names no server", ErrBadLink)
	}
	// An IPv6 address must come in brackets: unbracketed, its last colon
	// reads as the port's ("::1" is host ":" and port 1), a server no
	// link can name again.
	if strings.Contains(host, ":") && (!strings.HasPrefix(u.Host, "[") || net.ParseIP(host) == nil) {
		return Link{}, fmt.Errorf("%w: an IPv6 address goes in brackets, like [::1]:6503", ErrBadLink)
	}
	if n, err := strconv.Atoi(port); port == "" || err != nil || n < 1 || n > 65535 {
		return Link{}, fmt.Errorf("%w: it needs a server port, like :6503", ErrBadLink)
	}
	fp := u.Query().Get("fp")
	if fp == "" {
		return Link{}, fmt.Errorf("%w: it has no certificate fingerprint (fp=…); ask for the link the app shows under Settings", ErrBadLink)
	}
	canon, err := selfsigned.ParseFingerprint(fp)
	if err != nil {
		return Link{}, fmt.Errorf("%w: %v", ErrBadLink, err)
	}
	return Link{Host: net.JoinHostPort(host, port), Fingerprint: canon}, nil
}

// String is the https:// form: the one to give people, since a browser
// opens it too.
func (l Link) String() string { return l.url("https") }

// WebSocketURL is the server's signaling endpoint.
func (l Link) WebSocketURL() string { return "wss://" + l.Host + "/" }

func (l Link) url(scheme string) string {
	return scheme + "://" + l.Host + "/?fp=" + selfsigned.FingerprintHex(l.Fingerprint)
}
