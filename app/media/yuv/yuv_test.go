package yuv

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/parleyhq/parley/app/frames"
)

// picture makes a w×h frame from per-plane functions of the pixel
// position: fy for luma, fc for U and 255−fc for V.
func picture(w, h int, fy, fc func(x, y int) byte) *frames.Frame {
	f := blank(w, h)
	cw, ch := f.ChromaSize()
	for r := range h {
		for c := range w {
			f.Y[r*w+c] = fy(c, r)
		}
	}
	for r := range ch {
		for c := range cw {
			f.U[r*cw+c] = fc(c, r)
			f.V[r*cw+c] = 255 - fc(c, r)
		}
	}
	return f
}

// blank makes a w×h frame of zeros.
func blank(w, h int) *frames.Frame {
	f := &frames.Frame{Width: w, Height: h}
	cw, ch := f.ChromaSize()
	f.Y, f.U, f.V = make([]byte, w*h), make([]byte, cw*ch), make([]byte, cw*ch)
	return f
}

// A flat picture stays flat at every size, shrunk by a box or filtered
// bilinearly: no darkened edges, and no drift beyond the level or two that
// libyuv's box filter loses to its fixed-point sums at large ratios (at
// 75:1 it loses eleven; the bridge never shrinks by more than 32).
func TestScaleKeepsFlatColour(t *testing.T) {
	src := picture(1281, 721, func(int, int) byte { return 200 }, func(int, int) byte { return 90 })
	for _, size := range [][2]int{{976, 549}, {640, 361}, {215, 121}, {100, 57}, {41, 23}} {
		dst := blank(size[0], size[1])
		if err := Scale(dst, src); err != nil {
			t.Fatal(err)
		}
		for _, plane := range []struct {
			name string
			px   []byte
			want byte
		}{{"Y", dst.Y, 200}, {"U", dst.U, 90}, {"V", dst.V, 165}} {
			for i, got := range plane.px {
				if got > plane.want || got+2 < plane.want {
					t.Fatalf("%dx%d: %s byte %d = %d, want %d", dst.Width, dst.Height, plane.name, i, got, plane.want)
				}
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
	src := picture(w, h, block, func(x, y int) byte { return block(2*x, 2*y) })
	dst := blank(w/2, h/2)
	if err := Scale(dst, src); err != nil {
		t.Fatal(err)
	}
	for i, want := range blocks {
		if dst.Y[i] != want {
			t.Fatalf("pixel %d = %d, want the block's %d", i, dst.Y[i], want)
		}
	}
}

// A ramp stays a ramp, in the right place: each output pixel is within a
// few levels of the ramp's value at the pixel's centre, at a ratio for
// the bilinear filter and one for the box.
func TestScaleKeepsPositions(t *testing.T) {
	const w, h = 1280, 720
	ramp := func(x, _ int) byte { return byte(x * 255 / (w - 1)) }
	src := picture(w, h, ramp, func(int, int) byte { return 128 })
	for _, dw := range []int{976, 215} {
		dh := dw * h / w
		dst := blank(dw, dh)
		if err := Scale(dst, src); err != nil {
			t.Fatal(err)
		}
		for r := range dh {
			for c := range dw {
				centre := (float64(c)+0.5)*float64(w)/float64(dw) - 0.5
				want := centre * 255 / (w - 1)
				if got := float64(dst.Y[r*dw+c]); math.Abs(got-want) > 3 {
					t.Fatalf("%dx%d: pixel (%d, %d) = %.0f, want %.1f", dw, dh, c, r, got, want)
				}
			}
		}
	}
}

// Input Scale cannot use is an error, never a crash or a write out of
// bounds.
func TestScaleRejectsBadInput(t *testing.T) {
	src := picture(64, 36, func(int, int) byte { return 1 }, func(int, int) byte { return 2 })
	short := func(f *frames.Frame, cut func(*frames.Frame)) *frames.Frame {
		c := *f
		cut(&c)
		return &c
	}
	dst := blank(32, 18)
	for name, call := range map[string]func() error{
		"zero size":     func() error { return Scale(&frames.Frame{Height: 18}, src) },
		"no source":     func() error { return Scale(dst, &frames.Frame{}) },
		"short luma":    func() error { return Scale(dst, short(src, func(f *frames.Frame) { f.Y = f.Y[:100] })) },
		"short chroma":  func() error { return Scale(dst, short(src, func(f *frames.Frame) { f.V = f.V[:10] })) },
		"small dst":     func() error { return Scale(short(dst, func(f *frames.Frame) { f.Y = f.Y[:100] }), src) },
		"larger source": func() error { return Scale(dst, short(src, func(f *frames.Frame) { f.Width, f.Height = 128, 72 })) },
	} {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
