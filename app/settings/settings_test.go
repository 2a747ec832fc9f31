package settings

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func validSettings() Settings {
	s := Defaults()
	s.Camera = "Integrated Camera: Integrated C"
	s.Microphone = "Built-in Audio Analog Stereo"
	s.Speaker = "Built-in Audio Analog Stereo"
	s.DisplayName = "Ada"
	s.SignalingURL = "wss://parley.example.org:6503"
	s.ICEServers = []ICEServer{
		{URLs: []string{"stun:stun.example.org:3478"}},
		{URLs: []string{"turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"}, Username: "u", Credential: "p"},
	}
	return s
}

func TestDefaultsAreValid(t *testing.T) {
	if err := Defaults().Validate(); err != nil {
		t.Fatal(err)
	}
	if err := validSettings().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateRejects(t *testing.T) {
	for _, tc := range []struct {
		field string
		edit  func(*Settings)
	}{
		{"version", func(s *Settings) { s.Version = 0 }},
		{"resolution", func(s *Settings) { s.Resolution = "4k" }},
		{"frameRate", func(s *Settings) { s.FrameRate = 0 }},
		{"frameRate", func(s *Settings) { s.FrameRate = 61 }},
		{"displayName", func(s *Settings) { s.DisplayName = strings.Repeat("a", MaxNameLength+1) }},
		{"displayName", func(s *Settings) { s.DisplayName = "a\nb" }},
		{"displayName", func(s *Settings) { s.DisplayName = " Ada" }},
		{"displayName", func(s *Settings) { s.DisplayName = "\xff" }},
		{"camera", func(s *Settings) { s.Camera = "cam\x00" }},
		{"signalingUrl", func(s *Settings) { s.SignalingURL = "not a url" }},
		{"signalingUrl", func(s *Settings) { s.SignalingURL = "ftp://example.org" }},
		{"signalingUrl", func(s *Settings) { s.SignalingURL = "wss://" }},
		{"signalingUrl", func(s *Settings) { s.SignalingURL = "wss://user:pw@example.org" }},
		{"iceServers[0]", func(s *Settings) { s.ICEServers[0].URLs = nil }},
		{"iceServers[0]", func(s *Settings) { s.ICEServers[0].URLs = []string{"http://stun.example.org"} }},
		{"iceServers[0]", func(s *Settings) { s.ICEServers[0].URLs = []string{"stun:"} }},
		{"iceServers[0]", func(s *Settings) { s.ICEServers[0].URLs = []string{"stun:host:99999"} }},
		{"iceServers[0]", func(s *Settings) { s.ICEServers[0].URLs = []string{"stun:host?x=1"} }},
		{"iceServers[1]", func(s *Settings) { s.ICEServers[1].Credential = "" }},
		{"iceServers", func(s *Settings) { s.ICEServers = make([]ICEServer, MaxServers+1) }},
	} {
		s := validSettings()
		tc.edit(&s)
		err := s.Validate()
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%+v: error %v, want a ValidationError for %s", s, err, tc.field)
		}
	}
}

func TestSizes(t *testing.T) {
	for _, r := range Resolutions {
		w, h, ok := Size(r)
		if !ok || w <= 0 || h <= 0 || w%2 != 0 || h%2 != 0 {
			t.Errorf("%s: %dx%d %v", r, w, h, ok)
		}
	}
	if _, _, ok := Size("720"); ok {
		t.Error("720 accepted")
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/tmp/xdg-test")
	p, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if p != "/tmp/xdg-test/parley/settings.json" {
		t.Fatalf("path %q", p)
	}
}

func newStore(t *testing.T) *Store {
	return NewStore(filepath.Join(t.TempDir(), "parley", "settings.json"))
}

func TestMissingFileGivesDefaults(t *testing.T) {
	s := newStore(t)
	got, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got.Resolution != Defaults().Resolution || got.Version != CurrentVersion {
		t.Fatalf("got %+v", got)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	s := newStore(t)
	want := validSettings()
	if err := s.Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got.Camera != want.Camera || got.SignalingURL != want.SignalingURL || len(got.ICEServers) != 2 ||
		got.ICEServers[1].Credential != "p" || got.ICEServers[1].URLs[1] != want.ICEServers[1].URLs[1] {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(s.Path()))
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want only settings.json (no temp files)", len(entries))
	}
}

func TestSaveRejectsInvalidAndKeepsFile(t *testing.T) {
	s := newStore(t)
	if err := s.Save(validSettings()); err != nil {
		t.Fatal(err)
	}
	bad := validSettings()
	bad.SignalingURL = "nonsense"
	var ve *ValidationError
	if err := s.Save(bad); !errors.As(err, &ve) {
		t.Fatalf("error %v, want ValidationError", err)
	}
	got, err := s.Load()
	if err != nil || got.SignalingURL != validSettings().SignalingURL {
		t.Fatalf("file changed by a rejected Save: %+v %v", got, err)
	}
}

func TestUnusableFileIsSetAside(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content string
		reason  ResetReason
	}{
		{"corrupt", `{"version":1,"resolution":`, ResetCorrupt},
		{"not an object", `[1,2,3]`, ResetCorrupt},
		{"no version", `{"resolution":"720p"}`, ResetCorrupt},
		{"wrong type", `{"version":1,"frameRate":"fast"}`, ResetCorrupt},
		{"old", `{"version":0,"camera":"x"}`, ResetVersion},
		{"newer", `{"version":2,"camera":"x"}`, ResetVersion},
		{"invalid value", `{"version":1,"resolution":"720p","frameRate":30,"signalingUrl":"gopher://x"}`, ResetInvalid},
		{"huge", `{"version":1,"displayName":"` + strings.Repeat("a", MaxFileSize) + `"}`, ResetCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			os.MkdirAll(filepath.Dir(s.Path()), 0o700)
			if err := os.WriteFile(s.Path(), []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := s.Load()
			var re *ResetError
			if !errors.As(err, &re) || re.Reason != tc.reason {
				t.Fatalf("error %v, want ResetError %s", err, tc.reason)
			}
			if got.Validate() != nil || got.Resolution != Defaults().Resolution {
				t.Fatalf("got %+v, want defaults", got)
			}
			if re.Backup != s.Path()+".bak" {
				t.Fatalf("backup %q", re.Backup)
			}
			bak, err := os.ReadFile(re.Backup)
			if err != nil || string(bak) != tc.content {
				t.Fatalf("backup holds %.40q (%v), want the old file", bak, err)
			}
			// The file now holds defaults, so the next start is clean.
			again, err := s.Load()
			if err != nil || again.Resolution != Defaults().Resolution {
				t.Fatalf("second load: %+v %v", again, err)
			}
			if !strings.Contains(re.Error(), "settings.json.bak") {
				t.Fatalf("message %q does not say where the old file is", re.Error())
			}
		})
	}
}

func TestUnreadableFileIsReported(t *testing.T) {
	s := newStore(t)
	// A directory where the file should be cannot be read as a file.
	if err := os.MkdirAll(s.Path(), 0o700); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load()
	var re *ResetError
	if err == nil || errors.As(err, &re) {
		t.Fatalf("error %v, want an I/O error", err)
	}
	if got.Validate() != nil {
		t.Fatalf("got %+v, want usable defaults", got)
	}
	if err := s.Save(Defaults()); err == nil {
		t.Fatal("Save over a directory succeeded")
	}
}

// FuzzLoad checks that whatever is on disk, Load returns valid settings and
// never panics.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"version":1,"resolution":"720p","frameRate":30}`))
	f.Add([]byte(`{"version":1,"iceServers":[{"urls":["turn:h"],"username":"u","credential":"c"}]}`))
	f.Add([]byte(`{"version":1,"iceServers":null}`))
	f.Add([]byte(`garbage`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewStore(filepath.Join(dir, "settings.json"))
		if err := os.WriteFile(s.Path(), data, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := s.Load()
		var re *ResetError
		if err != nil && !errors.As(err, &re) {
			t.Fatalf("untyped error %v", err)
		}
		if verr := got.Validate(); verr != nil {
			t.Fatalf("Load returned invalid settings: %v", verr)
		}
	})
}

// TestUIContractShapes pins the JSON the page reads (frontend/js/backend.js:
// Settings, FieldError, SettingsWarning).
func TestUIContractShapes(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{Defaults(), `{"version":1,"camera":"","resolution":"720p","frameRate":30,"microphone":"","speaker":"","displayName":"","signalingUrl":"","iceServers":[],"echoCancellation":true,"noiseSuppression":true,"autoGainControl":true,"discovery":true}`},
		{&ValidationError{Field: "signalingUrl", Problem: "is bad"}, `{"field":"signalingUrl","problem":"is bad"}`},
		{ICEServer{URLs: []string{"stun:h"}}, `{"urls":["stun:h"]}`},
		{(&ResetError{Reason: ResetCorrupt, Backup: "/x.bak", Cause: errors.New("eof")}).Warning(),
			`{"reason":"corrupt","backup":"/x.bak","message":"settings: the settings file was corrupt (eof) and has been replaced by defaults; the old file is kept as /x.bak"}`},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("got  %s\nwant %s", b, tc.want)
		}
	}
}
