package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/parleyhq/parley/signaling/selfsigned"
)

// MaxPins bounds the pin file; past it the least recently pinned goes.
const MaxPins = 256

// Pin is a server certificate the user trusted.
type Pin struct {
	// Fingerprint is the certificate's SHA-256, in selfsigned.Fingerprint's form.
	Fingerprint string `json:"fingerprint"`
	// Host is the server's host user, when it is a desktop found on the LAN.
	Host string `json:"host,omitempty"`
	// At is when the pin was set.
	At time.Time `json:"at"`
}

// Pins remembers which certificate each signaling server had when the user
// first trusted it, the way SSH's known_hosts does: from an invite link, or
// on first joining a desktop's server found on the LAN. It lives in
// pins.json beside settings.json, apart from the settings the page edits,
// so that a settings form never drops a pin it did not know about.
//
// Keys are chosen by the caller: LinkKey for a server joined by link,
// LANKey for a desktop found on the LAN.
type Pins struct {
	path string

	mu   sync.Mutex
	pins map[string]Pin
}

// LinkKey is the key of a server joined by an invite link: its host:port.
func LinkKey(host string) string { return "link:" + host }

// LANKey is the key of a desktop's server found on the LAN: its DNS-SD
// instance name, which stays the same when its address changes.
func LANKey(instance string) string { return "lan:" + instance }

// PinsPath is the pin file beside the settings file at settingsPath.
func PinsPath(settingsPath string) string {
	return filepath.Join(filepath.Dir(settingsPath), "pins.json")
}

type pinFile struct {
	Version int            `json:"version"`
	Pins    map[string]Pin `json:"pins"`
}

// OpenPins reads the pin file at path; a missing file is an empty one. A
// damaged file is moved aside to pins.json.bak and an empty set is used:
// the *ResetError says so. Losing pins is safe: the next join asks again.
func OpenPins(path string) (*Pins, error) {
	p := &Pins{path: path, pins: map[string]Pin{}}
	data, err := readLimited(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("settings: read %s: %w", path, err)
	}
	var f pinFile
	cause := json.Unmarshal(data, &f)
	if cause == nil && f.Version != CurrentVersion {
		cause = fmt.Errorf("schema version %d, this Parley reads %d", f.Version, CurrentVersion)
	}
	for k, pin := range f.Pins {
		if cause != nil {
			break
		}
		if canon, err := selfsigned.ParseFingerprint(pin.Fingerprint); err != nil || canon != pin.Fingerprint || len(k) > 512 {
			cause = fmt.Errorf("pin %q is not valid", k)
		}
	}
	if cause == nil && len(f.Pins) > MaxPins {
		cause = fmt.Errorf("more than %d pins", MaxPins)
	}
	if cause != nil {
		e := &ResetError{Reason: ResetCorrupt, Cause: cause}
		if err := os.Rename(path, path+".bak"); err == nil {
			e.Backup = path + ".bak"
		}
		return p, e
	}
	if f.Pins != nil {
		p.pins = f.Pins
	}
	return p, nil
}

// Get returns the pin kept under key.
func (p *Pins) Get(key string) (Pin, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pin, ok := p.pins[key]
	return pin, ok
}

// Set keeps pin under key and writes the file.
func (p *Pins) Set(key string, pin Pin) error {
	canon, err := selfsigned.ParseFingerprint(pin.Fingerprint)
	if err != nil {
		return err
	}
	pin.Fingerprint = canon
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pins[key] = pin
	for len(p.pins) > MaxPins {
		keys := slices.Collect(maps.Keys(p.pins))
		oldest := slices.MinFunc(keys, func(a, b string) int { return p.pins[a].At.Compare(p.pins[b].At) })
		delete(p.pins, oldest)
	}
	return writeJSON(p.path, ".pins-*.tmp", pinFile{Version: CurrentVersion, Pins: p.pins})
}
