package lan

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// txtVersion is the TXT "v" this package writes. By the DNS-SD convention
// (RFC 6763 §6.7) a new version means an incompatible record, so a record
// with another "v" is ignored; one without "v" is read as version 1.
const txtVersion = "1"

const (
	// maxHostRunes is the longest display name carried, in runes.
	maxHostRunes = 64
	// maxHostBytes keeps "name=" plus the name within one TXT string
	// (255 bytes, RFC 6763 §6.1) even when every rune takes four bytes.
	maxHostBytes = 255 - len("name=")
)

// encodeTXT is the TXT record that describes s.
func encodeTXT(s Service) ([]string, error) {
	fp, err := fingerprintHex(s.Fingerprint)
	if err != nil {
		return nil, err
	}
	token := "0"
	if s.TokenNeeded {
		token = "1"
	}
	return []string{
		"v=" + txtVersion,
		"name=" + cleanName(s.Host),
		"fp=" + fp,
		"since=" + strconv.FormatInt(s.Since.UnixMilli(), 10),
		"token=" + token,
	}, nil
}

// decodeTXT fills s's Host, Fingerprint, Since and TokenNeeded from a TXT
// record, or says why the record is unusable: "fp" and "since" are
// required. Keys are case-insensitive and only the first occurrence of a
// key counts (RFC 6763 §6.4); unknown keys are ignored.
func decodeTXT(txt []string, s *Service) error {
	kv := make(map[string]string, len(txt))
	for _, t := range txt {
		k, v, ok := strings.Cut(t, "=")
		if !ok || k == "" {
			continue // a boolean attribute or junk: nothing Parley reads
		}
		k = strings.ToLower(k)
		if _, dup := kv[k]; !dup {
			kv[k] = v
		}
	}
	if v, ok := kv["v"]; ok && v != txtVersion {
		return fmt.Errorf("lan: TXT version %q", v)
	}
	fp, err := fingerprintFromHex(kv["fp"])
	if err != nil {
		return err
	}
	ms, err := strconv.ParseInt(kv["since"], 10, 64)
	if err != nil || ms <= 0 {
		return fmt.Errorf("lan: TXT since %q: not a positive Unix time in milliseconds", kv["since"])
	}
	s.Host = cleanName(kv["name"])
	s.Fingerprint = fp
	s.Since = time.UnixMilli(ms)
	s.TokenNeeded = kv["token"] == "1"
	return nil
}

// cleanName makes a display name safe to carry and to show: valid UTF-8,
// no control characters, at most maxHostRunes runes and maxHostBytes bytes.
func cleanName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	var b strings.Builder
	runes := 0
	for _, r := range name {
		if unicode.IsControl(r) {
			continue
		}
		if runes == maxHostRunes || b.Len()+utf8.RuneLen(r) > maxHostBytes {
			break
		}
		b.WriteRune(r)
		runes++
	}
	return b.String()
}

// fingerprintLen is the length of a SHA-256 hash.
const fingerprintLen = 32

// fingerprintHex turns "AB:CD:…" into the 64 lower-case hex digits TXT
// "fp" carries.
func fingerprintHex(fp string) (string, error) {
	parts := strings.Split(fp, ":")
	if len(parts) != fingerprintLen {
		return "", fmt.Errorf("lan: fingerprint %q: want %d colon-separated bytes", fp, fingerprintLen)
	}
	for _, p := range parts {
		if len(p) != 2 {
			return "", fmt.Errorf("lan: fingerprint %q: want %d colon-separated bytes", fp, fingerprintLen)
		}
	}
	h := strings.ToLower(strings.Join(parts, ""))
	if _, err := hex.DecodeString(h); err != nil {
		return "", fmt.Errorf("lan: fingerprint %q: %w", fp, err)
	}
	return h, nil
}

// fingerprintFromHex turns TXT "fp" (64 hex digits, either case) into
// "AB:CD:…".
func fingerprintFromHex(h string) (string, error) {
	if h == "" {
		return "", errors.New("lan: TXT fp missing")
	}
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != fingerprintLen {
		return "", fmt.Errorf("lan: TXT fp %q: want %d hex digits", h, 2*fingerprintLen)
	}
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02X", c)
	}
	return sb.String(), nil
}
