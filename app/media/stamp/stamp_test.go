package stamp

import (
	"errors"
	"math/rand/v2"
	"testing"
)

func grey(w, h int) []byte {
	y := make([]byte, w*h)
	for i := range y {
		y[i] = byte(60 + i%97) // some texture, not flat
	}
	return y
}

var sample = Code{Camera: 2, Seq: 0xDEADBEEF, CapturedMS: 1_795_234_262_333}

func TestRoundTrip(t *testing.T) {
	for _, sz := range [][2]int{{160, 120}, {640, 480}, {1280, 720}, {1920, 1080}, {641, 479}} {
		w, h := sz[0], sz[1]
		y := grey(w, h)
		if err := Encode(y, w, h, w, sample); err != nil {
			t.Fatalf("%dx%d: %v", w, h, err)
		}
		got, ok := Decode(y, w, h, w)
		if !ok || got != sample {
			t.Errorf("%dx%d: got %+v ok=%v, want %+v", w, h, got, ok, sample)
		}
	}
}

func TestStride(t *testing.T) {
	w, h, stride := 640, 480, 704
	y := grey(stride, h)
	if err := Encode(y, w, h, stride, sample); err != nil {
		t.Fatal(err)
	}
	if got, ok := Decode(y, w, h, stride); !ok || got != sample {
		t.Fatalf("got %+v ok=%v", got, ok)
	}
}

// A frame scaled down (as a receiver may get it) still decodes, because
// every position is relative to the width.
func TestScaled(t *testing.T) {
	w, h := 1920, 1080
	y := grey(w, h)
	if err := Encode(y, w, h, w, sample); err != nil {
		t.Fatal(err)
	}
	for _, f := range []int{2, 3, 4, 6} {
		sw, sh := w/f, h/f
		small := make([]byte, sw*sh)
		for yy := 0; yy < sh; yy++ {
			for xx := 0; xx < sw; xx++ {
				sum := 0
				for dy := 0; dy < f; dy++ {
					for dx := 0; dx < f; dx++ {
						sum += int(y[(yy*f+dy)*w+xx*f+dx])
					}
				}
				small[yy*sw+xx] = byte(sum / (f * f))
			}
		}
		if got, ok := Decode(small, sw, sh, sw); !ok || got != sample {
			t.Errorf("1/%d (%dx%d): got %+v ok=%v", f, sw, sh, got, ok)
		}
	}
}

// Noise of ±40 on every pixel, as heavy compression leaves it, does not
// change what decodes.
func TestNoise(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	w, h := 640, 480
	for i := 0; i < 50; i++ {
		c := Code{Camera: uint8(r.Uint32()), Seq: r.Uint32(), CapturedMS: r.Int64N(1 << 48)}
		y := grey(w, h)
		if err := Encode(y, w, h, w, c); err != nil {
			t.Fatal(err)
		}
		for j := range y {
			y[j] = byte(min(max(int(y[j])+r.IntN(81)-40, 0), 255))
		}
		if got, ok := Decode(y, w, h, w); !ok || got != c {
			t.Fatalf("round %d: got %+v ok=%v, want %+v", i, got, ok, c)
		}
	}
}

// Frames without a code, or with damaged codes, are rejected rather than
// misread.
func TestRejects(t *testing.T) {
	w, h := 640, 480
	if _, ok := Decode(grey(w, h), w, h, w); ok {
		t.Error("decoded a code from a frame without one")
	}
	flat := make([]byte, w*h)
	if _, ok := Decode(flat, w, h, w); ok {
		t.Error("decoded a code from a black frame")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200; i++ {
		y := grey(w, h)
		if err := Encode(y, w, h, w, sample); err != nil {
			t.Fatal(err)
		}
		// Invert one payload cell (not a marker: those are checked
		// separately), which the CRC must catch.
		cell := 8 + r.IntN(Cells-16)
		x0, x1, y0, y1 := cellBounds(cell, w)
		for yy := y0; yy < y1; yy++ {
			for xx := x0; xx < x1; xx++ {
				y[yy*w+xx] = White + Black - y[yy*w+xx]
			}
		}
		if got, ok := Decode(y, w, h, w); ok {
			t.Fatalf("cell %d flipped, still decoded %+v", cell, got)
		}
	}
}

func TestTooSmall(t *testing.T) {
	for _, sz := range [][3]int{{100, 100, 100}, {640, 10, 640}, {640, 480, 600}} {
		w, h, s := sz[0], sz[1], sz[2]
		err := Encode(make([]byte, s*h), w, h, s, sample)
		if !errors.Is(err, ErrBadFrame) {
			t.Errorf("%v: err = %v, want ErrBadFrame", sz, err)
		}
		if _, ok := Decode(make([]byte, s*h), w, h, s); ok {
			t.Errorf("%v: decoded", sz)
		}
	}
	if err := Encode(make([]byte, 10), 640, 480, 640, sample); !errors.Is(err, ErrBadFrame) {
		t.Errorf("short buffer: err = %v", err)
	}
	// Sizes whose product would overflow are refused, not trusted.
	if err := Encode(make([]byte, 10), 1<<40, 1<<40, 1<<40, sample); !errors.Is(err, ErrBadFrame) {
		t.Errorf("huge frame: err = %v", err)
	}
}

// The worked example in the package comment.
func TestDocumentedExample(t *testing.T) {
	c := Code{Camera: 1, Seq: 2, CapturedMS: 3}
	if got := crc16(c.payload()); got != 0x5CC6 {
		t.Fatalf("CRC %#x, want 0x5cc6", got)
	}
	bits := c.bits()
	want := []byte{0xB2, 0x01, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0x5C, 0xC6, 0x4D}
	for i, on := range bits {
		if exp := want[i/8]&(0x80>>(i%8)) != 0; on != exp {
			t.Fatalf("bit %d = %v, want %v", i, on, exp)
		}
	}
}

// The layout in the package comment is what a JavaScript reader
// implements: check a few cells of a known code by hand.
func TestLayout(t *testing.T) {
	w, h := 400, 300 // cells of exactly 10 px
	y := make([]byte, w*h)
	c := Code{Camera: 0x81, Seq: 1, CapturedMS: 0}
	if err := Encode(y, w, h, w, c); err != nil {
		t.Fatal(err)
	}
	at := func(cell int) byte { return y[(cell/Columns*10+5)*w+cell%Columns*10+5] }
	want := map[int]byte{
		0: White, 1: Black, 2: White, 3: White, 7: Black, // 0xB2
		8: White, 9: Black, 15: White, // camera 0x81
		16: Black, 47: White, // seq 1
		48: Black, 95: Black, // time 0
		112: Black, 113: White, 119: White, // 0x4D
	}
	for cell, v := range want {
		if got := at(cell); got != v {
			t.Errorf("cell %d = %d, want %d", cell, got, v)
		}
	}
	if crc16([]byte("123456789")) != 0x29B1 {
		t.Errorf("crc16 check value = %#x, want 0x29b1 (CRC-16/CCITT-FALSE)", crc16([]byte("123456789")))
	}
	if Height(400) != 30 || y[30*w] != 0 {
		t.Errorf("band height: Height(400) = %d", Height(400))
	}
}
