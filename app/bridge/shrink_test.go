package bridge

import (
	"math/rand/v2"
	"testing"

	"github.com/parleyhq/parley/app/frames"
)

// naiveShrink is the definition shrinkInto must meet: every output pixel is
// the rounded mean of the source pixels its k×k block covers, clipped at
// the plane's edges (a block past the edge repeats the last row/column).
func naiveShrink(src []byte, w, h, sw, sh, k int) []byte {
	out := make([]byte, 0, sw*sh)
	for by := 0; by < sh; by++ {
		for bx := 0; bx < sw; bx++ {
			sum, n := 0, 0
			y0, x0 := min(by*k, h-1), min(bx*k, w-1)
			for y := y0; y < min(y0+k, h); y++ {
				for x := x0; x < min(x0+k, w); x++ {
					sum += int(src[y*w+x])
					n++
				}
			}
			out = append(out, byte((sum+n/2)/n))
		}
	}
	return out
}

func TestShrinkIntoMatchesBoxFilter(t *testing.T) {
	for _, size := range [][2]int{{1280, 720}, {641, 363}, {33, 17}, {100, 2}, {8, 8}, {7, 9}, {1283, 727}} {
		for _, k := range []int{1, 2, 4, 8} {
			// Noise, with runs of the extremes that would show a carry
			// between the fast path's 16-bit lanes.
			f := testFrame(size[0], size[1], 0)
			rng := rand.New(rand.NewPCG(uint64(k), uint64(size[0])))
			for _, p := range [][]byte{f.Y, f.U, f.V} {
				for i := range p {
					p[i] = byte(rng.Uint32())
					if i%97 < 20 {
						p[i] = 255
					}
				}
			}
			sw, sh := shrunkSize(f.Width, f.Height, k)
			h := Header{Width: sw, Height: sh}
			got := make([]byte, h.PayloadSize())
			shrinkInto(got, f, k)

			cw, ch := f.ChromaSize()
			scw, sch := (sw+1)/2, (sh+1)/2
			want := naiveShrink(f.Y, f.Width, f.Height, sw, sh, k)
			want = append(want, naiveShrink(f.U, cw, ch, scw, sch, k)...)
			want = append(want, naiveShrink(f.V, cw, ch, scw, sch, k)...)
			if len(want) != len(got) {
				t.Fatalf("%dx%d/%d: %d bytes, want %d", size[0], size[1], k, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%dx%d/%d: byte %d = %d, want %d", size[0], size[1], k, i, got[i], want[i])
				}
			}
		}
	}
}

// A flat picture stays exactly flat at every factor: no rounding drift,
// no darkened edges.
func TestShrinkKeepsFlatColour(t *testing.T) {
	f := &frames.Frame{Width: 1281, Height: 721}
	cw, ch := f.ChromaSize()
	f.Y, f.U, f.V = make([]byte, 1281*721), make([]byte, cw*ch), make([]byte, cw*ch)
	for i := range f.Y {
		f.Y[i] = 200
	}
	for i := range f.U {
		f.U[i], f.V[i] = 90, 160
	}
	for _, k := range []int{2, 4, 8} {
		sw, sh := shrunkSize(f.Width, f.Height, k)
		out := make([]byte, Header{Width: sw, Height: sh}.PayloadSize())
		shrinkInto(out, f, k)
		for i, v := range out {
			want := byte(200)
			if i >= sw*sh {
				want = 90
				if i >= sw*sh+((sw+1)/2)*((sh+1)/2) {
					want = 160
				}
			}
			if v != want {
				t.Fatalf("k=%d: byte %d = %d, want %d", k, i, v, want)
			}
		}
	}
}

func BenchmarkShrink720pBy4(b *testing.B) {
	f := testFrame(1280, 720, 1)
	out := make([]byte, Header{Width: 320, Height: 180}.PayloadSize())
	b.SetBytes(int64(len(f.Y) + 2*len(f.U)))
	for b.Loop() {
		shrinkInto(out, f, 4)
	}
}
