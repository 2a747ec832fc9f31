package media

import (
	"image"
	"time"

	"github.com/parleyhq/parley/app/frames"
)

// packI420 copies an I420 picture, tightly packed, into buf (grown when
// too small) and returns the frame that views it, captured at at, with the
// buffer for the next frame. Drivers reuse their buffers, so the picture
// is copied once; the copy's buffer is then reused for every frame of the
// capture, since a sink keeps a frames.Frame only by copying it (its
// contract) and every sink runs before the next frame is read. A new
// buffer per frame cost about 5 % more CPU at 720p, in allocation, zeroing
// and garbage collection (docs/benchmarks.md, "A call's video track").
func packI420(buf []byte, src *image.YCbCr, at time.Time) (*frames.Frame, []byte) {
	b := src.Rect
	w, h := b.Dx(), b.Dy()
	cw, ch := (w+1)/2, (h+1)/2
	n := w*h + 2*cw*ch
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	y, u, v := buf[:w*h], buf[w*h:w*h+cw*ch], buf[w*h+cw*ch:]
	for r := 0; r < h; r++ {
		o := src.YOffset(b.Min.X, b.Min.Y+r)
		copy(y[r*w:(r+1)*w], src.Y[o:o+w])
	}
	for r := 0; r < ch; r++ {
		o := src.COffset(b.Min.X, b.Min.Y+2*r)
		copy(u[r*cw:(r+1)*cw], src.Cb[o:o+cw])
		copy(v[r*cw:(r+1)*cw], src.Cr[o:o+cw])
	}
	return &frames.Frame{Width: w, Height: h, Y: y, U: u, V: v, Captured: at}, buf
}
