package main

import (
	"bytes"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// The file must be pictures back to back, each a whole JPEG of the asked
// size: Chromium's parser walks it that way.
func TestWriteMJPEG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cam.mjpeg")
	if err := writeMJPEG(path, 1280, 720, 3); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pics := bytes.Split(b, []byte{0xFF, 0xD9})
	if len(pics) != 4 || len(pics[3]) != 0 {
		t.Fatalf("%d end-of-image markers, %d bytes after the last", len(pics)-1, len(pics[len(pics)-1]))
	}
	for i, p := range pics[:3] {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(append(p, 0xFF, 0xD9)))
		if err != nil {
			t.Fatalf("picture %d: %v", i, err)
		}
		if cfg.Width != 1280 || cfg.Height != 720 {
			t.Fatalf("picture %d is %dx%d", i, cfg.Width, cfg.Height)
		}
	}
}

func TestCheckJPEG(t *testing.T) {
	for _, b := range [][]byte{nil, {0xFF, 0xD8, 0, 0}, {0, 0, 0xFF, 0xD9}} {
		if checkJPEG(b) == nil {
			t.Errorf("checkJPEG(% x) accepted it", b)
		}
	}
	if err := checkJPEG([]byte{0xFF, 0xD8, 1, 0xFF, 0xD9}); err != nil {
		t.Error(err)
	}
}
