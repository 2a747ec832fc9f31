// Package selfsigned keeps a self-signed TLS certificate for a signaling
// server that has no certificate of its own: the desktop app's embedded
// server on a LAN. Browsers grant camera access only to secure origins, so a
// browser user needs https:// even on a LAN; the certificate is generated once
// and kept, so its fingerprint (which the app shows, for users to compare)
// stays the same from run to run.
package selfsigned

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Validity is how long a generated certificate lasts. 825 days is the
// longest lifetime macOS and iOS accept for TLS server certificates.
const Validity = 825 * 24 * time.Hour

// renewBefore replaces a certificate this close to expiry.
const renewBefore = 30 * 24 * time.Hour

// Cert is a loaded certificate with the files it lives in.
type Cert struct {
	TLS         tls.Certificate
	Leaf        *x509.Certificate
	CertFile    string
	KeyFile     string
	Fingerprint string // SHA-256 of the DER certificate, "AB:CD:…"
}

// LoadOrCreate loads cert.pem and key.pem from dir, or generates them when
// they are missing, unreadable or about to expire. hosts are the DNS names
// and IP addresses a new certificate covers, besides localhost and the
// loopback addresses.
func LoadOrCreate(dir string, hosts []string, now time.Time) (*Cert, error) {
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if c, err := load(certFile, keyFile); err == nil && now.Add(renewBefore).Before(c.Leaf.NotAfter) {
		return c, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("selfsigned: %w", err)
	}
	certPEM, keyPEM, err := generate(hosts, now)
	if err != nil {
		return nil, err
	}
	if err := writeFile(keyFile, keyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := writeFile(certFile, certPEM, 0o644); err != nil {
		return nil, err
	}
	return load(certFile, keyFile)
}

func load(certFile, keyFile string) (*Cert, error) {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("selfsigned: %w", err)
	}
	if len(pair.Certificate) == 0 {
		return nil, errors.New("selfsigned: no certificate in " + certFile)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("selfsigned: %w", err)
	}
	pair.Leaf = leaf
	return &Cert{TLS: pair, Leaf: leaf, CertFile: certFile, KeyFile: keyFile, Fingerprint: Fingerprint(leaf)}, nil
}

func generate(hosts []string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("selfsigned: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("selfsigned: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "Parley", Organization: []string{"Parley (self-signed)"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(Validity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else if h != "" && h != "localhost" {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("selfsigned: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("selfsigned: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}

// writeFile writes atomically, so a crash never leaves half a key behind.
func writeFile(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("selfsigned: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("selfsigned: %w", err)
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return fmt.Errorf("selfsigned: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("selfsigned: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("selfsigned: %w", err)
	}
	return nil
}

// Fingerprint formats the SHA-256 of a certificate the way browsers show it.
func Fingerprint(c *x509.Certificate) string {
	return formatFingerprint(sha256.Sum256(c.Raw))
}

func formatFingerprint(sum [sha256.Size]byte) string {
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// ErrBadFingerprint is wrapped by ParseFingerprint's errors.
var ErrBadFingerprint = errors.New("not a SHA-256 certificate fingerprint")

// ParseFingerprint reads a SHA-256 fingerprint written either as browsers
// show it ("AB:CD:…") or as invite links carry it (64 hex digits), in any
// case, and returns it in Fingerprint's form, so that two spellings of one
// fingerprint compare equal.
func ParseFingerprint(s string) (string, error) {
	hexDigits := strings.ReplaceAll(s, ":", "")
	if strings.Contains(s, ":") && len(s) != sha256.Size*3-1 {
		return "", fmt.Errorf("%w: %q", ErrBadFingerprint, s)
	}
	raw, err := hex.DecodeString(hexDigits)
	if err != nil || len(raw) != sha256.Size {
		return "", fmt.Errorf("%w: %q", ErrBadFingerprint, s)
	}
	return formatFingerprint([sha256.Size]byte(raw)), nil
}

// FingerprintHex writes a fingerprint in Fingerprint's form as the 64
// lower-case hex digits an invite link carries.
func FingerprintHex(fp string) string {
	return strings.ToLower(strings.ReplaceAll(fp, ":", ""))
}

// Pool returns a certificate pool that trusts only c, for the app's own
// client connecting to its own server.
func (c *Cert) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c.Leaf)
	return p
}
