package jpeg_test

import (
	"bytes"
	"image"
	"image/color"
	stdjpeg "image/jpeg"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/jpeg"
)

// picture makes a w×h frame from per-plane functions of the pixel
// position (chroma positions for fu and fv).
func picture(w, h int, fy, fu, fv func(x, y int) byte) *frames.Frame {
	f := &frames.Frame{Width: w, Height: h}
	cw, ch := f.ChromaSize()
	f.Y, f.U, f.V = make([]byte, w*h), make([]byte, cw*ch), make([]byte, cw*ch)
	for r := range h {
		for c := range w {
			f.Y[r*w+c] = fy(c, r)
		}
	}
	for r := range ch {
		for c := range cw {
			f.U[r*cw+c] = fu(c, r)
			f.V[r*cw+c] = fv(c, r)
		}
	}
	return f
}

func flat(w, h int, y, u, v byte) *frames.Frame {
	return picture(w, h, func(int, int) byte { return y }, func(int, int) byte { return u }, func(int, int) byte { return v })
}

// gradient is a smooth limited-range picture: luma rises diagonally from
// black to white, Cb across and Cr down, over their whole ranges.
func gradient(w, h int) *frames.Frame {
	cw, ch := (w+1)/2, (h+1)/2
	ramp := func(v, n, lo, span int) byte {
		if n < 2 {
			return byte(lo + span/2)
		}
		return byte(lo + span*v/(n-1))
	}
	return picture(w, h,
		func(x, y int) byte { return ramp(x+y, w+h-1, 16, 219) },
		func(x, _ int) byte { return ramp(x, cw, 16, 224) },
		func(_, y int) byte { return ramp(ch-1-y, ch, 16, 224) })
}

// noise is a picture of random limited-range samples, the worst case for
// the compressed size.
func noise(w, h int, seed uint64) *frames.Frame {
	rng := rand.New(rand.NewPCG(seed, 1))
	return picture(w, h,
		func(int, int) byte { return byte(16 + rng.IntN(220)) },
		func(int, int) byte { return byte(16 + rng.IntN(225)) },
		func(int, int) byte { return byte(16 + rng.IntN(225)) })
}

// Full-range values of limited-range samples, written out independently
// of the package's tables.
func fullY(v byte) float64 { return math.Round(min(max((float64(v)-16)*255/219, 0), 255)) }
func fullC(v byte) float64 { return math.Round(min(max((float64(v)-128)*255/224+128, 0), 255)) }

func encode(t testing.TB, e *jpeg.Encoder, f *frames.Frame) []byte {
	t.Helper()
	out, err := e.Encode(nil, f)
	if err != nil {
		t.Fatalf("%dx%d: %v", f.Width, f.Height, err)
	}
	return out
}

func newEncoder(t testing.TB, quality int) *jpeg.Encoder {
	t.Helper()
	e, err := jpeg.NewEncoder(quality)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// decode decodes b with Go's decoder, which returns a JFIF picture's
// Y'CbCr planes as they are, and checks its size and 4:2:0 sampling.
func decode(t testing.TB, b []byte, w, h int) *image.YCbCr {
	t.Helper()
	img, err := stdjpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%dx%d: decode: %v", w, h, err)
	}
	y, ok := img.(*image.YCbCr)
	if !ok || y.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		t.Fatalf("%dx%d: decoded %T, want 4:2:0 YCbCr", w, h, img)
	}
	if got := y.Bounds(); got != image.Rect(0, 0, w, h) {
		t.Fatalf("decoded bounds %v, want %dx%d", got, w, h)
	}
	return y
}

// psnr compares every decoded sample, luma and chroma, with the
// full-range value of the source's.
func psnr(img *image.YCbCr, f *frames.Frame) float64 {
	var sum float64
	n := 0
	add := func(got byte, want float64) {
		d := float64(got) - want
		sum += d * d
		n++
	}
	for y := range f.Height {
		for x := range f.Width {
			add(img.Y[img.YOffset(x, y)], fullY(f.Y[y*f.Width+x]))
		}
	}
	cw, ch := f.ChromaSize()
	for y := range ch {
		for x := range cw {
			o := img.COffset(2*x, 2*y)
			add(img.Cb[o], fullC(f.U[y*cw+x]))
			add(img.Cr[o], fullC(f.V[y*cw+x]))
		}
	}
	if sum == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(sum/float64(n)))
}

// frameMarker returns the marker of the JPEG's start-of-frame segment,
// 0xC0 for baseline, after checking the file opens with a JFIF APP0.
func frameMarker(t *testing.T, b []byte) byte {
	t.Helper()
	if len(b) < 11 || !bytes.Equal(b[:4], []byte{0xFF, 0xD8, 0xFF, 0xE0}) || string(b[6:11]) != "JFIF\x00" {
		t.Fatalf("not a JFIF file: % x", b[:min(len(b), 11)])
	}
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; i += 2 + (int(b[i+2])<<8 | int(b[i+3])) {
		if m := b[i+1]; m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			return m
		}
	}
	t.Fatal("no start-of-frame segment")
	return 0
}

// Limited-range black, white and red come out as full-range black, white
// and red: the Y'CbCr the JFIF file holds are within 3 of the full-range
// values, and so is the RGB any JFIF decoder makes of them.
func TestEncodeStretchesToFullRange(t *testing.T) {
	e := newEncoder(t, 85)
	for _, c := range []struct {
		name       string
		y, u, v    byte
		wy, wu, wv int // full-range Y'CbCr
		rgb        [3]int
	}{
		{"black", 16, 128, 128, 0, 128, 128, [3]int{0, 0, 0}},
		{"white", 235, 128, 128, 255, 128, 128, [3]int{255, 255, 255}},
		{"red", 81, 90, 240, 76, 85, 255, [3]int{255, 0, 0}},
		{"grey", 126, 128, 128, 128, 128, 128, [3]int{128, 128, 128}},
	} {
		out := encode(t, e, flat(50, 30, c.y, c.u, c.v))
		if m := frameMarker(t, out); m != 0xC0 {
			t.Fatalf("%s: start of frame 0x%X, want baseline 0xC0", c.name, m)
		}
		img := decode(t, out, 50, 30)
		for y := range 30 {
			for x := range 50 {
				py, pu, pv := img.YCbCrAt(x, y).Y, img.YCbCrAt(x, y).Cb, img.YCbCrAt(x, y).Cr
				r, g, b := color.YCbCrToRGB(py, pu, pv)
				got := [...]int{int(py), int(pu), int(pv), int(r), int(g), int(b)}
				want := [...]int{c.wy, c.wu, c.wv, c.rgb[0], c.rgb[1], c.rgb[2]}
				for i := range got {
					if got[i] < want[i]-3 || got[i] > want[i]+3 {
						t.Fatalf("%s: pixel (%d, %d) is Y'CbCr %v RGB %v, want %v and %v ±3", c.name, x, y, got[:3], got[3:], want[:3], want[3:])
					}
				}
			}
		}
	}
}

// A smooth picture survives quality 85 with a PSNR of at least 35 dB
// against its full-range values, at every size the bridge uses and at
// sizes that are not whole MCUs (16×16 luma), down to one pixel: the
// planes are read with the right strides and the padding of the last
// MCUs repeats the edge instead of adding a border.
func TestEncodeKeepsPicture(t *testing.T) {
	e := newEncoder(t, 85)
	for _, s := range [][2]int{{976, 549}, {282, 159}, {1920, 1080}, {975, 549}, {17, 3}, {1, 1}, {2, 1}, {1, 17}, {16, 16}, {65500, 2}} {
		f := gradient(s[0], s[1])
		img := decode(t, encode(t, e, f), s[0], s[1])
		if p := psnr(img, f); p < 35 {
			t.Errorf("%dx%d: PSNR %.1f dB, want ≥ 35", s[0], s[1], p)
		}
	}
}

// One encoder used for a run of pictures of different sizes and contents,
// the largest first so the output buffer grows, gives each its own
// picture, and appends to dst without touching what dst already holds.
func TestEncodeReusesBuffers(t *testing.T) {
	e := newEncoder(t, 100)
	fs := []*frames.Frame{noise(1920, 1080, 1), flat(64, 48, 81, 90, 240), gradient(975, 549), noise(17, 3, 2), flat(1, 1, 235, 128, 128)}
	outs := make([][]byte, len(fs))
	for i, f := range fs {
		outs[i] = encode(t, e, f)
	}
	if len(outs[0]) < 1<<20 {
		t.Fatalf("noise at quality 100 made only %d bytes", len(outs[0]))
	}
	var buf []byte
	for i, f := range fs {
		// Every output is still its own picture after the later encodes.
		if p := psnr(decode(t, outs[i], f.Width, f.Height), f); p < 40 {
			t.Errorf("picture %d (%dx%d): PSNR %.1f dB, want ≥ 40", i, f.Width, f.Height, p)
		}
		var err error
		prefix := []byte("frame")
		buf = append(buf[:0], prefix...)
		if buf, err = e.Encode(buf, f); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf, prefix) || !bytes.Equal(buf[len(prefix):], outs[i]) {
			t.Errorf("picture %d: appending to %q gave a different result", i, prefix)
		}
	}
}

// Encoders share nothing but the tables: two goroutines encoding at once
// each get their own pictures (and the race detector sees no race).
func TestEncodersAreIndependent(t *testing.T) {
	fs := []*frames.Frame{gradient(320, 180), flat(320, 180, 81, 90, 240)}
	outs := make([][][]byte, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs {
		e := newEncoder(t, 85)
		wg.Go(func() {
			for range 20 {
				out, err := e.Encode(nil, f)
				if err != nil {
					t.Error(err)
					return
				}
				outs[i] = append(outs[i], out)
			}
		})
	}
	wg.Wait()
	for i, f := range fs {
		for _, out := range outs[i] {
			if p := psnr(decode(t, out, 320, 180), f); p < 35 {
				t.Fatalf("goroutine %d: PSNR %.1f dB", i, p)
			}
		}
	}
}

// Input Encode cannot use is an error, never a crash or a write out of
// bounds, and dst comes back as it was.
func TestEncodeRejectsBadInput(t *testing.T) {
	e := newEncoder(t, 85)
	good := gradient(64, 36)
	short := func(cut func(*frames.Frame)) *frames.Frame {
		c := *good
		cut(&c)
		return &c
	}
	for name, f := range map[string]*frames.Frame{
		"nil":          nil,
		"empty":        {},
		"zero width":   short(func(f *frames.Frame) { f.Width = 0 }),
		"zero height":  short(func(f *frames.Frame) { f.Height = 0 }),
		"negative":     short(func(f *frames.Frame) { f.Width = -64 }),
		"short luma":   short(func(f *frames.Frame) { f.Y = f.Y[:64*36-1] }),
		"short U":      short(func(f *frames.Frame) { f.U = f.U[:10] }),
		"no V":         short(func(f *frames.Frame) { f.V = nil }),
		"larger":       short(func(f *frames.Frame) { f.Height = 37 }),
		"too wide":     flat(65501, 1, 16, 128, 128),
		"too tall":     flat(2, 65501, 16, 128, 128),
		"far too wide": flat(1<<17, 1, 16, 128, 128),
	} {
		dst := []byte("keep")
		out, err := e.Encode(dst, f)
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		if string(out) != "keep" {
			t.Errorf("%s: dst became %q", name, out)
		}
	}
	// The encoder still works after refusing.
	if p := psnr(decode(t, encode(t, e, good), 64, 36), good); p < 35 {
		t.Errorf("after refusals: PSNR %.1f dB", p)
	}
}

func TestQualityRange(t *testing.T) {
	for _, q := range []int{0, -1, 101} {
		if e, err := jpeg.NewEncoder(q); err == nil {
			e.Close()
			t.Errorf("quality %d: no error", q)
		}
	}
	// Quality changes the output: 1 is far smaller than 100.
	f := gradient(320, 180)
	lo, hi := encode(t, newEncoder(t, 1), f), encode(t, newEncoder(t, 100), f)
	if 4*len(lo) > len(hi) {
		t.Errorf("quality 1 gave %d bytes, quality 100 %d", len(lo), len(hi))
	}
}

func TestEncodeAfterClose(t *testing.T) {
	e, err := jpeg.NewEncoder(85)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if out, err := e.Encode(nil, gradient(16, 16)); err == nil || out != nil {
		t.Fatalf("Encode after Close = %d bytes, %v; want an error", len(out), err)
	}
}
