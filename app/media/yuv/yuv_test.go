package yuv

import (
	"math"
	"math/rand/v2"
	"testing"
)

// picture makes packed I420 planes of a w×h picture from per-plane
// functions of the pixel position.
func picture(w, h int, fy, fc func(x, y int) byte) (y, u, v []byte) {
	cw, ch := ChromaSize(w, h)
	y, u, v = make([]byte, w*h), make([]byte, cw*ch), make([]byte, cw*ch)
	for r := range h {
		for c := range w {
			y[r*w+c] = fy(c, r)
		}
	}
	for r := range ch {
		for c := range cw {
			u[r*cw+c] = fc(c, r)
			v[r*cw+c] = 255 - fc(c, r)
		}
	}
	return y, u, v
}

// A flat picture stays flat at every size, shrunk by a box or filtered
// bilinearly: no darkened edges, and no drift beyond the level or two that
// libyuv's box filter loses to its fixed-point sums at large ratios (at
// 75:1 it loses eleven; the bridge never shrinks by more than 32).
func TestScaleKeepsFlatColour(t *testing.T) {
	y, u, v := picture(1281, 721, func(int, int) byte { return 200 }, func(int, int) byte { return 90 })
	for _, size := range [][2]int{{976, 549}, {640, 361}, {215, 121}, {100, 57}, {41, 23}} {
		dw, dh := size[0], size[1]
		out := make([]byte, Size(dw, dh))
		if err := Scale(out, dw, dh, y, u, v, 1281, 721); err != nil {
			t.Fatal(err)
		}
		dcw, dch := ChromaSize(dw, dh)
		for i, got := range out {
			want := byte(200)
			if i >= dw*dh {
				want = 90
				if i >= dw*dh+dcw*dch {
					want = 165
				}
			}
			if got > want || got+2 < want {
				t.Fatalf("%dx%d: byte %d = %d, want %d", dw, dh, i, got, want)
			}
		}
	}
}

// Halving a picture made of 2×2 blocks gives each block's value: every
// output pixel is the mean of the pixels it covers.
func TestScaleHalvesBlocksExactly(t *testing.T) {
	const w, h = 64, 36
	rng := rand.New(rand.NewPCG(1, 2))
	blocks := make([]byte, (w/2)*(h/2))
	for i := range blocks {
		blocks[i] = byte(rng.Uint32())
	}
	block := func(x, y int) byte { return blocks[(y/2)*(w/2)+x/2] }
	y, u, v := picture(w, h, block, func(x, y int) byte { return block(2*x, 2*y) })
	out := make([]byte, Size(w/2, h/2))
	if err := Scale(out, w/2, h/2, y, u, v, w, h); err != nil {
		t.Fatal(err)
	}
	for i, want := range blocks {
		if out[i] != want {
			t.Fatalf("pixel %d = %d, want the block's %d", i, out[i], want)
		}
	}
}

// A ramp stays a ramp, in the right place: each output pixel is within a
// few levels of the ramp's value at the pixel's centre, at a ratio for
// the bilinear filter and one for the box.
func TestScaleKeepsPositions(t *testing.T) {
	const w, h = 1280, 720
	ramp := func(x, _ int) byte { return byte(x * 255 / (w - 1)) }
	y, u, v := picture(w, h, ramp, func(int, int) byte { return 128 })
	for _, dw := range []int{976, 215} {
		dh := dw * h / w
		out := make([]byte, Size(dw, dh))
		if err := Scale(out, dw, dh, y, u, v, w, h); err != nil {
			t.Fatal(err)
		}
		for r := range dh {
			for c := range dw {
				centre := (float64(c)+0.5)*float64(w)/float64(dw) - 0.5
				want := centre * 255 / (w - 1)
				if got := float64(out[r*dw+c]); math.Abs(got-want) > 3 {
					t.Fatalf("%dx%d: pixel (%d, %d) = %.0f, want %.1f", dw, dh, c, r, got, want)
				}
			}
		}
	}
}

// Input Scale cannot use is an error, never a crash or a write out of
// bounds.
func TestScaleRejectsBadInput(t *testing.T) {
	y, u, v := picture(64, 36, func(int, int) byte { return 1 }, func(int, int) byte { return 2 })
	dst := make([]byte, Size(32, 18))
	for name, call := range map[string]func() error{
		"zero size":     func() error { return Scale(dst, 0, 18, y, u, v, 64, 36) },
		"no source":     func() error { return Scale(dst, 32, 18, y, u, v, 0, 0) },
		"short luma":    func() error { return Scale(dst, 32, 18, y[:100], u, v, 64, 36) },
		"short chroma":  func() error { return Scale(dst, 32, 18, y, u, v[:10], 64, 36) },
		"small dst":     func() error { return Scale(dst[:100], 32, 18, y, u, v, 64, 36) },
		"larger source": func() error { return Scale(dst, 32, 18, y, u, v, 128, 72) },
	} {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
