package media

import (
	"image"
	"time"

	"github.com/parleyhq/parley/app/frames"
)

// packI420 copies an I420 picture into one new, tightly packed buffer.
// Every captured frame gets its own buffer, which nothing writes after:
// the encoders keep a frame after the fan-out returns and encode it on
// their own goroutines, while drivers reuse their buffers.
func packI420(src *image.YCbCr) *image.YCbCr {
	b := src.Rect
	w, h := b.Dx(), b.Dy()
	cw, ch := (w+1)/2, (h+1)/2
	buf := make([]byte, w*h+2*cw*ch)
	dst := &image.YCbCr{
		Y: buf[:w*h], Cb: buf[w*h : w*h+cw*ch], Cr: buf[w*h+cw*ch:],
		YStride: w, CStride: cw,
		SubsampleRatio: image.YCbCrSubsampleRatio420,
		Rect:           image.Rect(0, 0, w, h),
	}
	for y := 0; y < h; y++ {
		o := src.YOffset(b.Min.X, b.Min.Y+y)
		copy(dst.Y[y*w:(y+1)*w], src.Y[o:o+w])
	}
	for y := 0; y < ch; y++ {
		o := src.COffset(b.Min.X, b.Min.Y+2*y)
		copy(dst.Cb[y*cw:(y+1)*cw], src.Cb[o:o+cw])
		copy(dst.Cr[y*cw:(y+1)*cw], src.Cr[o:o+cw])
	}
	return dst
}

// asFrame views a packed picture as a frames.Frame without copying.
func asFrame(img *image.YCbCr, at time.Time) *frames.Frame {
	return &frames.Frame{
		Width: img.Rect.Dx(), Height: img.Rect.Dy(),
		Y: img.Y, U: img.Cb, V: img.Cr,
		Captured: at,
	}
}
