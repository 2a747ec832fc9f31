package settings

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const testFP = "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9"

func TestPinsKeptAcrossRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pins.json")
	p, err := OpenPins(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Get(LinkKey("10.0.0.1:6503")); ok {
		t.Fatal("an empty pin file has a pin")
	}
	// Set takes the link's spelling and keeps the canonical one.
	if err := p.Set(LinkKey("10.0.0.1:6503"), Pin{Fingerprint: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := p.Set(LANKey("parley-1"), Pin{Fingerprint: testFP, Host: "alice", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := p.Set(LinkKey("x:1"), Pin{Fingerprint: "nope"}); err == nil {
		t.Fatal("a bad fingerprint was pinned")
	}
	again, err := OpenPins(path)
	if err != nil {
		t.Fatal(err)
	}
	if pin, ok := again.Get(LinkKey("10.0.0.1:6503")); !ok || pin.Fingerprint != testFP {
		t.Fatalf("link pin after reopening: %+v, %v", pin, ok)
	}
	if pin, ok := again.Get(LANKey("parley-1")); !ok || pin.Host != "alice" {
		t.Fatalf("LAN pin after reopening: %+v, %v", pin, ok)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("pin file mode: %v, %v", fi, err)
	}
}

func TestDamagedPinsSetAside(t *testing.T) {
	for name, body := range map[string]string{
		"not json":    "{",
		"old version": `{"version":0,"pins":{}}`,
		"bad pin":     `{"version":1,"pins":{"link:h:1":{"fingerprint":"AB"}}}`,
	} {
		path := filepath.Join(t.TempDir(), "pins.json")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := OpenPins(path)
		var re *ResetError
		if !errors.As(err, &re) || re.Backup != path+".bak" {
			t.Errorf("%s: got %v, want a ResetError with a backup", name, err)
		}
		if p == nil {
			t.Fatalf("%s: no usable pins", name)
		}
		if err := p.Set(LinkKey("h:1"), Pin{Fingerprint: testFP}); err != nil {
			t.Errorf("%s: cannot pin after a reset: %v", name, err)
		}
	}
}

func TestPinsBounded(t *testing.T) {
	p, err := OpenPins(filepath.Join(t.TempDir(), "pins.json"))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	for i := range MaxPins + 3 {
		if err := p.Set(LinkKey(string(rune('a'+i%26))+time.Duration(i).String()), Pin{Fingerprint: testFP, At: t0.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	if len(p.pins) != MaxPins {
		t.Fatalf("%d pins kept, want %d", len(p.pins), MaxPins)
	}
	if _, ok := p.Get(LinkKey("a0s")); ok {
		t.Fatal("the oldest pin was kept past the bound")
	}
}
