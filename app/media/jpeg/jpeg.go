// Package jpeg compresses I420 pictures into baseline JFIF JPEGs (4:2:0)
// with libjpeg-turbo, for the desktop window's web view.
//
// Why JPEG: the frame bridge used to send the web view raw I420, 804 KB
// for a 976×549 pane, which WebKit copies through its IPC before a WebGL
// shader converts it to RGB, and without a GPU that shader runs in
// llvmpipe. Decoding a JPEG a fifth that size costs WebKit less CPU than
// both, and libjpeg-turbo makes one in about 1.3 ms (BenchmarkEncode).
//
// Range: decoded video is BT.601 limited range (Y 16–235, Cb and Cr
// 16–240) and JFIF is full range, so the encoder stretches every sample
// through a lookup table as it feeds libjpeg, and a JFIF decoder's RGB is
// the RGB the limited-range picture stands for. The planes go to libjpeg
// at their own resolutions (its raw-data mode): nothing is converted to
// RGB and back.
package jpeg

import (
	"errors"
	"fmt"
	"math"

	"github.com/parleyhq/parley/app/frames"
)

// maxDimension is libjpeg's JPEG_MAX_DIMENSION.
const maxDimension = 65500

// lumaTable and chromaTable map limited-range samples to full range:
// black (Y 16) to 0, white (Y 235) to 255, chroma's 16–240 around 128 to
// 0–255 around 128.
var (
	lumaTable   = table(func(y float64) float64 { return (y - 16) * 255 / 219 })
	chromaTable = table(func(c float64) float64 { return (c-128)*255/224 + 128 })
)

// table tabulates f over the byte values, rounded and clamped to a byte.
func table(f func(float64) float64) *[256]byte {
	var t [256]byte
	for i := range t {
		t[i] = byte(min(max(math.Round(f(float64(i))), 0), 255))
	}
	return &t
}

// Encoder compresses I420 pictures into baseline JFIF JPEGs (4:2:0),
// reusing its buffers between calls. Not safe for concurrent use.
type Encoder struct {
	p *compressor // nil once closed
}

// NewEncoder returns an encoder at the given libjpeg quality (1–100); an
// out-of-range quality is an error.
func NewEncoder(quality int) (*Encoder, error) {
	if quality < 1 || quality > 100 {
		return nil, fmt.Errorf("jpeg: quality %d is outside 1–100", quality)
	}
	p, err := newCompressor(quality)
	if err != nil {
		return nil, err
	}
	return &Encoder{p: p}, nil
}

// Encode appends the JPEG of f to dst and returns the extended slice. It
// returns an error, and dst unchanged, for a nil frame, a frame whose
// planes do not hold its picture (frames.Frame.Whole), a side above
// libjpeg's limit of 65500, a closed encoder or a libjpeg failure.
func (e *Encoder) Encode(dst []byte, f *frames.Frame) ([]byte, error) {
	switch {
	case e.p == nil:
		return dst, errors.New("jpeg: encoder is closed")
	case f == nil:
		return dst, errors.New("jpeg: no frame")
	case !f.Whole():
		return dst, fmt.Errorf("jpeg: cannot encode %dx%d: a size or a plane is short", f.Width, f.Height)
	case f.Width > maxDimension || f.Height > maxDimension:
		return dst, fmt.Errorf("jpeg: cannot encode %dx%d: JPEG sides stop at %d", f.Width, f.Height, maxDimension)
	}
	return e.p.encode(dst, f, lumaTable, chromaTable)
}

// Close frees the C state; Encode after Close returns an error. Closing
// twice is fine.
func (e *Encoder) Close() error {
	if e.p != nil {
		e.p.close()
		e.p = nil
	}
	return nil
}
