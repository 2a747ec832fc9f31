package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// MaxFileSize bounds what Load reads: real settings are a few hundred bytes.
const MaxFileSize = 1 << 20

// Store reads and writes one settings file.
type Store struct {
	path string
	mu   sync.Mutex // serialises Save and Load within the process
}

// DefaultPath returns os.UserConfigDir()/parley/settings.json.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("settings: no config directory: %w", err)
	}
	return filepath.Join(dir, "parley", "settings.json"), nil
}

// NewStore returns a store for the file at path (see DefaultPath).
func NewStore(path string) *Store { return &Store{path: path} }

// Path returns the settings file's path.
func (s *Store) Path() string { return s.path }

// Load returns the stored settings, or defaults when there is no file yet.
// It always returns usable settings, so the app starts whatever is on disk.
// A non-nil error is either a *ResetError (the file was unusable, was moved
// to settings.json.bak and replaced by defaults) or an I/O error (the file
// could not be read; defaults are returned and nothing is written).
func (s *Store) Load() (Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, err := readLimited(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return Defaults(), nil
	}
	if err != nil {
		return Defaults(), fmt.Errorf("settings: read %s: %w", s.path, err)
	}
	if len(data) > MaxFileSize {
		return Defaults(), s.reset(ResetCorrupt, fmt.Errorf("larger than %d bytes", MaxFileSize))
	}
	got, reason, cause := parse(data)
	if cause == nil {
		return got, nil
	}
	return Defaults(), s.reset(reason, cause)
}

// parse decodes and checks a settings file.
func parse(data []byte) (Settings, ResetReason, error) {
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return Settings{}, ResetCorrupt, err
	}
	if probe.Version == nil {
		return Settings{}, ResetCorrupt, errors.New("no schema version")
	}
	if *probe.Version != CurrentVersion {
		return Settings{}, ResetVersion, fmt.Errorf("schema version %d, this Parley reads %d", *probe.Version, CurrentVersion)
	}
	got := Defaults()
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&got); err != nil {
		return Settings{}, ResetCorrupt, err
	}
	if got.ICEServers == nil {
		got.ICEServers = []ICEServer{}
	}
	if err := got.Validate(); err != nil {
		return Settings{}, ResetInvalid, err
	}
	return got, "", nil
}

// reset moves the unusable file aside and writes defaults in its place.
func (s *Store) reset(reason ResetReason, cause error) error {
	e := &ResetError{Reason: reason, Cause: cause}
	bak := s.path + ".bak"
	if err := os.Rename(s.path, bak); err == nil {
		e.Backup = bak
	}
	// A failure to write defaults is not fatal: the next Save retries.
	_ = s.write(Defaults())
	return e
}

// Save validates st and writes it atomically: a crash leaves either the old
// file or the new one, never half of one. The file is private (0600): it
// may hold TURN credentials.
func (s *Store) Save(st Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.write(st)
}

func (s *Store) write(st Settings) error {
	if st.ICEServers == nil {
		st.ICEServers = []ICEServer{}
	}
	return writeJSON(s.path, ".settings-*.tmp", st)
}

// writeJSON writes v as indented JSON to path atomically, private to the
// user (0600), through a temporary file named by pattern.
func writeJSON(path, pattern string, v any) (err error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("settings: encode: %w", err)
	}
	data = append(data, '\n')
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	tmp, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("settings: write: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("settings: sync: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("settings: replace %s: %w", path, err)
	}
	return nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxFileSize+1))
}
