package testmedia

import (
	"errors"
	"image"
	"math"
	"math/rand/v2"

	"github.com/parleyhq/parley/app/media/stamp"
)

var (
	errNotOpen  = errors.New("testmedia: camera is not open")
	errTooSmall = errors.New("testmedia: frame too small for the stamp")
)

// period is how far the texture scrolls before it repeats; every texture
// term is periodic in it along the scroll direction, so the motion is
// seamless.
const period = 256

// pattern describes one test camera's look: a luma texture with fine
// detail (so the encoder works as hard as on real video), a colour field,
// the scroll per frame, and the colour of a bouncing square (so a person
// sees at a glance that the picture moves and which camera it is).
type pattern struct {
	luma         func(x, y int) float64 // around 0, roughly ±100
	cb, cr       func(fx, fy float64) byte
	dx, dy       int // scroll in pixels per frame
	squareY      byte
	squareCb     byte
	squareCr     byte
	horizontally bool // the square bounces left-right, else up-down
}

// noise is a fixed period×period field of ±12 that gives texture to flat
// areas.
var noise = func() []float64 {
	r := rand.New(rand.NewPCG(1, 2))
	n := make([]float64, period*period)
	for i := range n {
		n[i] = r.Float64()*24 - 12
	}
	return n
}()

func tau(v, wavelength float64) float64 { return 2 * math.Pi * v / wavelength }

// patternA: warm (orange to red) wavy vertical bands with a fine checker,
// scrolling left, a white square bouncing horizontally.
var patternA = pattern{
	luma: func(x, y int) float64 {
		fx, fy := float64(x), float64(y)
		return 55*math.Sin(tau(fx, 64)+3*math.Sin(tau(fy, 128))) +
			25*math.Sin(tau(fx, 16))*math.Sin(tau(fy, 16)) +
			noise[(y%period)*period+x%period]
	},
	cb:      func(fx, fy float64) byte { return byte(70 + 40*fy) },
	cr:      func(fx, fy float64) byte { return byte(200 - 30*fx) },
	dx:      4,
	squareY: 235, squareCb: 128, squareCr: 128,
	horizontally: true,
}

// patternB: cool (blue to green) wavy horizontal stripes with a diagonal
// checker, scrolling up, a yellow square bouncing vertically.
var patternB = pattern{
	luma: func(x, y int) float64 {
		fx, fy := float64(x), float64(y)
		checker := 1.0
		if (x/8+y/8)%2 == 0 {
			checker = -1
		}
		return 60*math.Sin(tau(fy, 32)+2*math.Sin(tau(fx, 200))) + 20*checker +
			noise[(y%period)*period+x%period]
	},
	cb:      func(fx, fy float64) byte { return byte(190 - 30*fy) },
	cr:      func(fx, fy float64) byte { return byte(60 + 30*fx) },
	dy:      3,
	squareY: 210, squareCb: 16, squareCr: 146,
}

// renderer draws one pattern at one size. It precomputes the texture once
// (larger than the frame by one period along the scroll) and the colour
// field, so a frame costs little more than a copy.
type renderer struct {
	p          pattern
	w, h       int
	tw         int    // texture width
	tex        []byte // luma texture (w+period)×(h+period)
	cb, cr     []byte // colour field, (w+1)/2 × (h+1)/2
	cw, ch     int
	stampBandC int // chroma rows covered by the stamp
}

func newRenderer(p pattern, w, h int) *renderer {
	r := &renderer{p: p, w: w, h: h, tw: w + period, cw: (w + 1) / 2, ch: (h + 1) / 2}
	th := h + period
	r.tex = make([]byte, r.tw*th)
	for y := 0; y < th; y++ {
		for x := 0; x < r.tw; x++ {
			r.tex[y*r.tw+x] = clampLuma(128 + p.luma(x, y))
		}
	}
	r.cb = make([]byte, r.cw*r.ch)
	r.cr = make([]byte, r.cw*r.ch)
	for y := 0; y < r.ch; y++ {
		for x := 0; x < r.cw; x++ {
			fx, fy := float64(x)/float64(r.cw), float64(y)/float64(r.ch)
			r.cb[y*r.cw+x] = p.cb(fx, fy)
			r.cr[y*r.cw+x] = p.cr(fx, fy)
		}
	}
	r.stampBandC = min((stamp.Height(w)+1)/2, r.ch)
	return r
}

func clampLuma(v float64) byte {
	return byte(min(max(v, 16), 235))
}

// blank returns a new I420 picture of the renderer's size.
func (r *renderer) blank() *image.YCbCr {
	w, h, cw, ch := r.w, r.h, r.cw, r.ch
	buf := make([]byte, w*h+2*cw*ch)
	return &image.YCbCr{
		Y: buf[:w*h], Cb: buf[w*h : w*h+cw*ch], Cr: buf[w*h+cw*ch:],
		YStride: w, CStride: cw, SubsampleRatio: image.YCbCrSubsampleRatio420,
		Rect: image.Rect(0, 0, w, h),
	}
}

// renderInto draws frame n over img, a picture from blank.
func (r *renderer) renderInto(img *image.YCbCr, n uint32) {
	w, h, cw := r.w, r.h, r.cw
	ox := int(uint64(n) * uint64(r.p.dx) % period)
	oy := int(uint64(n) * uint64(r.p.dy) % period)
	for y := 0; y < h; y++ {
		src := (y+oy)*r.tw + ox
		copy(img.Y[y*w:(y+1)*w], r.tex[src:src+w])
	}
	copy(img.Cb, r.cb)
	copy(img.Cr, r.cr)
	// Neutral colour under the stamp keeps its blocks pure black and white.
	for i := 0; i < r.stampBandC*cw; i++ {
		img.Cb[i], img.Cr[i] = 128, 128
	}
	r.square(img, n)
}

// square draws the bouncing square, a sixth of the frame height, below
// the stamp band; it crosses the frame in about two seconds at 30 fps.
func (r *renderer) square(img *image.YCbCr, n uint32) {
	side := max(r.h/6, 8) &^ 1
	top := (stamp.Height(r.w) + 2) &^ 1
	spanX, spanY := max(r.w-side, 1), max(r.h-top-side, 1)
	pos := func(span int, speed int) int {
		t := int(uint64(n) * uint64(speed) % uint64(2*span))
		if t >= span {
			t = 2*span - t
		}
		return t &^ 1
	}
	x0, y0 := spanX/2&^1, top+spanY/2&^1
	if r.p.horizontally {
		x0 = pos(spanX, max(r.w/60, 2))
	} else {
		y0 = top + pos(spanY, max(r.h/60, 2))
	}
	for y := y0; y < min(y0+side, r.h); y++ {
		row := img.Y[y*r.w+x0 : y*r.w+min(x0+side, r.w)]
		for i := range row {
			row[i] = r.p.squareY
		}
	}
	for y := y0 / 2; y < min((y0+side)/2, r.ch); y++ {
		for x := x0 / 2; x < min((x0+side)/2, r.cw); x++ {
			img.Cb[y*r.cw+x], img.Cr[y*r.cw+x] = r.p.squareCb, r.p.squareCr
		}
	}
}
