package bridge

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/parleyhq/parley/app/frames"
)

func TestSendSize(t *testing.T) {
	for _, c := range []struct {
		w, h, dw, dh int
		tw, th       int
	}{
		{1280, 720, 1280, 720, 1280, 720},
		{1280, 720, 1920, 1080, 1280, 720}, // a pane larger than the frame
		{1280, 720, 976, 549, 976, 549},    // a 720p call in the main pane of a 1280×800 window
		{1920, 1080, 976, 549, 976, 549},   // a 1080p one
		{1280, 720, 889, 500, 889, 500},    // a short pane: the height limits
		{1280, 720, 282, 159, 282, 159},    // the corner preview
		{1280, 720, 640, 360, 640, 360},
		{1280, 720, 1300, 500, 1280, 720}, // wider than the frame: the page scales
		{1280, 720, 1, 1, 16, 16},         // never below minShrunkSide
		{12, 12, 1, 1, 12, 12},            // nor above the frame
		{641, 363, 300, 170, 300, 170},
	} {
		tw, th := sendSize(c.w, c.h, c.dw, c.dh)
		if tw != c.tw || th != c.th {
			t.Errorf("sendSize(%d, %d, %d, %d) = %d×%d, want %d×%d", c.w, c.h, c.dw, c.dh, tw, th, c.tw, c.th)
		}
	}
}

// refBilinear is the definition bilinear must meet within one level of
// rounding: each output pixel samples the source at its centre's position,
// (i+½)·w/tw − ½, clamped to the plane, with linear weights.
func refBilinear(src []byte, w, h, tw, th int) []float64 {
	at := func(i, m, n int) (int, int, float64) {
		p := math.Max(0, (float64(i)+0.5)*float64(m)/float64(n)-0.5)
		j := int(p)
		if j >= m-1 {
			return m - 1, m - 1, 0
		}
		return j, j + 1, p - float64(j)
	}
	out := make([]float64, 0, tw*th)
	for y := range th {
		y0, y1, fy := at(y, h, th)
		for x := range tw {
			x0, x1, fx := at(x, w, tw)
			top := float64(src[y0*w+x0])*(1-fx) + float64(src[y0*w+x1])*fx
			bot := float64(src[y1*w+x0])*(1-fx) + float64(src[y1*w+x1])*fx
			out = append(out, top*(1-fy)+bot*fy)
		}
	}
	return out
}

func TestBilinearMatchesDefinition(t *testing.T) {
	var s scaler
	for _, c := range [][4]int{{1280, 720, 976, 549}, {641, 363, 600, 301}, {17, 9, 13, 5}, {8, 1, 5, 1}, {1, 8, 1, 3}, {300, 200, 299, 199}} {
		w, h, tw, th := c[0], c[1], c[2], c[3]
		rng := rand.New(rand.NewPCG(uint64(w), uint64(tw)))
		src := make([]byte, w*h)
		for i := range src {
			src[i] = byte(rng.Uint32())
			if i%89 < 15 { // runs of the extremes, which would show a carry between lanes
				src[i] = 255
			}
		}
		got := make([]byte, tw*th)
		if n := s.bilinear(got, src, w, h, tw, th); n != tw*th {
			t.Fatalf("%v: wrote %d bytes, want %d", c, n, tw*th)
		}
		// Positions in 256ths of a pixel (up to one level each way on a
		// full-swing edge) and a rounding after each pass: three levels at
		// most, and no bias.
		var sum float64
		for i, want := range refBilinear(src, w, h, tw, th) {
			d := float64(got[i]) - want
			if math.Abs(d) > 3 {
				t.Fatalf("%v: pixel %d = %d, want %.2f", c, i, got[i], want)
			}
			sum += d
		}
		if mean := sum / float64(tw*th); math.Abs(mean) > 0.5 {
			t.Fatalf("%v: off by %.2f levels on average", c, mean)
		}
	}
}

// A flat picture stays exactly flat at every size, through the box filter
// and the bilinear pass: no rounding drift, no darkened edges.
func TestScaleKeepsFlatColour(t *testing.T) {
	f := &frames.Frame{Width: 1281, Height: 721}
	cw, ch := f.ChromaSize()
	f.Y, f.U, f.V = make([]byte, 1281*721), make([]byte, cw*ch), make([]byte, cw*ch)
	for i := range f.Y {
		f.Y[i] = 200
	}
	for i := range f.U {
		f.U[i], f.V[i] = 90, 160
	}
	var s scaler
	for _, size := range [][2]int{{976, 549}, {640, 361}, {282, 159}, {100, 57}, {17, 16}} {
		tw, th := size[0], size[1]
		out := make([]byte, Header{Width: tw, Height: th}.PayloadSize())
		s.scaleInto(out, f, tw, th)
		for i, v := range out {
			want := byte(200)
			if i >= tw*th {
				want = 90
				if i >= tw*th+((tw+1)/2)*((th+1)/2) {
					want = 160
				}
			}
			if v != want {
				t.Fatalf("%dx%d: byte %d = %d, want %d", tw, th, i, v, want)
			}
		}
	}
}

// A size the box filter reaches exactly is the box filter's output, with
// no bilinear pass to soften it; other sizes are the box filter's output
// at the next size up, filtered bilinearly.
func TestScaleBoxFiltersFirst(t *testing.T) {
	f := testFrame(1280, 720, 7)
	var s scaler
	got := make([]byte, Header{Width: 320, Height: 180}.PayloadSize())
	s.scaleInto(got, f, 320, 180)
	want := make([]byte, len(got))
	shrinkInto(want, f, 4)
	if string(got) != string(want) {
		t.Fatal("320×180 from 720p is not the box filter's quarter")
	}

	got = make([]byte, Header{Width: 282, Height: 159}.PayloadSize())
	s.scaleInto(got, f, 282, 159)
	quarter := framePlanes(want, 320, 180)
	var ref scaler
	wantY := make([]byte, 282*159)
	ref.bilinear(wantY, quarter.Y, 320, 180, 282, 159)
	if string(got[:len(wantY)]) != string(wantY) {
		t.Fatal("282×159 from 720p is not the quarter filtered bilinearly")
	}
}

// BenchmarkScale720pToPane is the remote stream's cost in a 1280×800
// window: 720p to the 976-pixel-wide pane.
func BenchmarkScale720pToPane(b *testing.B) {
	f := testFrame(1280, 720, 1)
	out := make([]byte, Header{Width: 976, Height: 549}.PayloadSize())
	b.SetBytes(int64(len(out)))
	var s scaler
	for b.Loop() {
		s.scaleInto(out, f, 976, 549)
	}
}

// BenchmarkScale720pToPreview is the corner preview's: box filter, then
// bilinear.
func BenchmarkScale720pToPreview(b *testing.B) {
	f := testFrame(1280, 720, 1)
	out := make([]byte, Header{Width: 282, Height: 159}.PayloadSize())
	var s scaler
	for b.Loop() {
		s.scaleInto(out, f, 282, 159)
	}
}
