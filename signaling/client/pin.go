package client

import (
	"crypto/tls"
	"errors"
	"fmt"

	"github.com/parleyhq/parley/signaling/selfsigned"
)

// IdentityError is why a connection to a pinned server was refused: the
// certificate it presented is not the one pinned for it, so it is another
// server, or someone in between. It is never retried (see permanent): the
// user decides, having seen both fingerprints.
type IdentityError struct {
	Pinned    string // the fingerprint the link or an earlier visit pinned
	Presented string // the fingerprint of the certificate the server sent
}

func (e *IdentityError) Error() string {
	return fmt.Sprintf("this server's identity changed: its certificate's fingerprint is %s, but the one pinned for it is %s", e.Presented, e.Pinned)
}

// PinnedTLS returns a TLS configuration that accepts exactly the
// certificate whose SHA-256 fingerprint is fp (any spelling
// selfsigned.ParseFingerprint reads), and no other, whoever signed it. A
// self-signed certificate names no authority to check, so the pin is the
// whole check: the host name is not checked either, since a LAN server is
// reached by whichever of its addresses works. A mismatch fails the
// handshake with an *IdentityError.
func PinnedTLS(fp string) (*tls.Config, error) {
	pinned, err := selfsigned.ParseFingerprint(fp)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		// Replaced by VerifyConnection below: the chain is not asked for,
		// the leaf must be the pinned one.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("signaling: the server sent no certificate")
			}
			if got := selfsigned.Fingerprint(cs.PeerCertificates[0]); got != pinned {
				return &IdentityError{Pinned: pinned, Presented: got}
			}
			return nil
		},
	}, nil
}
