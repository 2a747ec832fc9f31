package receive

import (
	"image"

	"github.com/parleyhq/parley/app/frames"
)

// packI420 makes dst describe img as packed I420. The vpx decoder already
// returns tightly packed planes, so dst then shares img's memory and nothing
// is copied; any other layout (strides wider than the picture, a sub-image)
// is copied into buf, which is reused from frame to frame. It reports false
// for an image that is not 4:2:0.
func packI420(dst *frames.Frame, img *image.YCbCr, buf *[]byte) bool {
	if img.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		return false
	}
	b := img.Rect
	w, h := b.Dx(), b.Dy()
	cw, ch := (w+1)/2, (h+1)/2
	dst.Width, dst.Height = w, h
	yOff, cOff := img.YOffset(b.Min.X, b.Min.Y), img.COffset(b.Min.X, b.Min.Y)
	if img.YStride == w && img.CStride == cw && yOff == 0 && cOff == 0 &&
		len(img.Y) >= w*h && len(img.Cb) >= cw*ch && len(img.Cr) >= cw*ch {
		dst.Y, dst.U, dst.V = img.Y[:w*h], img.Cb[:cw*ch], img.Cr[:cw*ch]
		return true
	}
	need := w*h + 2*cw*ch
	if cap(*buf) < need {
		*buf = make([]byte, need)
	}
	p := (*buf)[:need]
	dst.Y, dst.U, dst.V = p[:w*h], p[w*h:w*h+cw*ch], p[w*h+cw*ch:]
	for r := 0; r < h; r++ {
		copy(dst.Y[r*w:(r+1)*w], img.Y[yOff+r*img.YStride:])
	}
	for r := 0; r < ch; r++ {
		copy(dst.U[r*cw:(r+1)*cw], img.Cb[cOff+r*img.CStride:])
		copy(dst.V[r*cw:(r+1)*cw], img.Cr[cOff+r*img.CStride:])
	}
	return true
}

// fillOddChromaEdge repairs pictures with an odd width or height from
// mediadevices' vpx decoder (v0.10.0), which copies only width/2 by
// height/2 chroma samples: the last chroma column or row stays zero and
// shows as a green edge. It repeats the neighbouring column or row.
func fillOddChromaEdge(img *image.YCbCr) {
	b := img.Rect
	w, h := b.Dx(), b.Dy()
	cw, ch := (w+1)/2, (h+1)/2
	if img.SubsampleRatio != image.YCbCrSubsampleRatio420 || cw < 2 || ch < 2 {
		return
	}
	c0 := img.COffset(b.Min.X, b.Min.Y)
	if w%2 == 1 {
		for r := 0; r < ch; r++ {
			i := c0 + r*img.CStride + cw - 1
			img.Cb[i], img.Cr[i] = img.Cb[i-1], img.Cr[i-1]
		}
	}
	if h%2 == 1 {
		last := c0 + (ch-1)*img.CStride
		prev := last - img.CStride
		copy(img.Cb[last:last+cw], img.Cb[prev:prev+cw])
		copy(img.Cr[last:last+cw], img.Cr[prev:prev+cw])
	}
}
