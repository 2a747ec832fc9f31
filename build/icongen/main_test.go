package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedIconsAreCurrent fails when the committed icons differ from
// what this program draws, so that an edit to the drawing is not forgotten
// in the packages (run `go run ./build/icongen` from the repository root).
func TestCommittedIconsAreCurrent(t *testing.T) {
	files, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	for rel, want := range files {
		got, err := os.ReadFile(filepath.Join("..", rel))
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go run ./build/icongen", rel)
		}
	}
}

func TestIconShape(t *testing.T) {
	for _, s := range HicolorSizes {
		img := Render(s)
		if b := img.Bounds(); b.Dx() != s || b.Dy() != s {
			t.Fatalf("size %d: bounds %v", s, b)
		}
		// Corners are transparent (rounded tile); the centre of the
		// bubble's top half is white; the tile's lower right is coloured.
		if a := img.NRGBAAt(0, 0).A; a != 0 {
			t.Errorf("size %d: corner alpha %d", s, a)
		}
		if c := img.NRGBAAt(s/2, s*26/100); c.R < 240 || c.G < 240 || c.B < 240 {
			t.Errorf("size %d: bubble not white: %v", s, c)
		}
		if c := img.NRGBAAt(s*85/100, s*85/100); c.A != 255 || c.B < 200 || c.R > 160 {
			t.Errorf("size %d: tile not blue-violet: %v", s, c)
		}
	}
}

func TestICOHoldsPNGs(t *testing.T) {
	b, err := icoFile(icoSizes)
	if err != nil {
		t.Fatal(err)
	}
	if n := int(b[4]) | int(b[5])<<8; n != len(icoSizes) {
		t.Fatalf("%d entries", n)
	}
	for i, s := range icoSizes {
		e := b[6+16*i:]
		size := int(e[8]) | int(e[9])<<8 | int(e[10])<<16 | int(e[11])<<24
		off := int(e[12]) | int(e[13])<<8 | int(e[14])<<16 | int(e[15])<<24
		img, err := png.Decode(bytes.NewReader(b[off : off+size]))
		if err != nil || img.Bounds().Dx() != s {
			t.Fatalf("entry %d: %v %v", i, err, img)
		}
	}
}
