// Package mjpeg decodes the JPEG frames of an MJPEG webcam to I420 with
// libjpeg-turbo (TurboJPEG), straight from the JPEG's own YUV planes: no
// RGB step and no image.Image in between. Chroma that a webcam sends at
// 4:2:2 (the usual) or 4:4:4 is averaged down to 4:2:0 with libyuv.
//
// Why: mediadevices' camera driver decodes MJPEG with Go's image/jpeg,
// which at 720p costs several times what libjpeg-turbo does (the SIMD
// decoder Chromium uses for webcams too). Measured: docs/benchmarks.md,
// "Webcam frames".
//
// Webcams often leave out the Huffman tables (the standard ones are
// implied); libjpeg-turbo supplies them itself. A truncated or corrupt
// frame is refused with ErrCorrupt rather than half drawn: the decoder
// stops at libjpeg's first warning, so the caller never shows the grey or
// green rest of a picture that did not arrive.
package mjpeg

/*
#cgo pkg-config: libturbojpeg
#include <turbojpeg.h>

// decodePlanes builds the plane and stride arrays on the C side: cgo
// forbids storing Go pointers in C memory, and a Go array of them passed
// by pointer would be Go memory holding Go pointers. The fast integer
// IDCT is what libyuv's MJPEG decoder, and so Chromium's webcam path,
// uses: a few per cent quicker, and its error is far below what the
// webcam's own quantisation and then VP8 take away.
static int decodePlanes(tjhandle h, const unsigned char *jpeg, unsigned long n,
		unsigned char *y, unsigned char *u, unsigned char *v, int ys, int cs, int w, int hgt) {
	unsigned char *planes[3] = {y, u, v};
	int strides[3] = {ys, cs, cs};
	return tjDecompressToYUVPlanes(h, jpeg, n, planes, w, strides, hgt, TJFLAG_STOPONWARNING | TJFLAG_FASTDCT);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/yuv"
)

// ErrCorrupt is the cause of every refused frame: not a JPEG, truncated,
// damaged, or of a size beyond MaxDimension.
var ErrCorrupt = errors.New("mjpeg: corrupt frame")

// MaxDimension bounds a frame's width and height: a webcam frame beyond
// 8K is a damaged header, and refusing it keeps allocation bounded.
const MaxDimension = 8192

var live atomic.Int64

// Live reports how many decoders hold a libjpeg-turbo instance, so tests
// can check that closing a camera frees its decoder.
func Live() int64 { return live.Load() }

// Decoder decodes one camera's frames, reusing one TurboJPEG instance and
// its chroma scratch planes. It is not safe for concurrent use. Close
// frees it.
type Decoder struct {
	h      C.tjhandle
	cb, cr []byte // the JPEG's chroma planes when they are not 4:2:0
}

// NewDecoder makes a decoder.
func NewDecoder() (*Decoder, error) {
	h := C.tjInitDecompress()
	if h == nil {
		return nil, fmt.Errorf("mjpeg: tjInitDecompress: %s", C.GoString(C.tjGetErrorStr2(nil)))
	}
	live.Add(1)
	return &Decoder{h: h}, nil
}

// Close frees the decoder. Closing twice does nothing.
func (d *Decoder) Close() {
	if d.h != nil {
		C.tjDestroy(d.h)
		d.h = nil
		live.Add(-1)
	}
}

// Decode decodes the JPEG in data into buf as packed I420 (buf grows
// when too small) and returns the frame, at the JPEG's own size, that
// views it, with the buffer for the next call. On error buf may hold a
// partial picture and the frame is nil; errors wrap ErrCorrupt.
func (d *Decoder) Decode(buf, data []byte) (*frames.Frame, []byte, error) {
	if d.h == nil {
		return nil, buf, errors.New("mjpeg: decoder is closed")
	}
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, buf, fmt.Errorf("%w: no JPEG start marker", ErrCorrupt)
	}
	var w, h, sub, space C.int
	if C.tjDecompressHeader3(d.h, cbytes(data), C.ulong(len(data)), &w, &h, &sub, &space) != 0 {
		return nil, buf, d.fail("header")
	}
	width, height := int(w), int(h)
	if width < 1 || height < 1 || width > MaxDimension || height > MaxDimension {
		return nil, buf, fmt.Errorf("%w: size %dx%d", ErrCorrupt, width, height)
	}
	f := &frames.Frame{Width: width, Height: height}
	cw, ch := f.ChromaSize()
	n := width*height + 2*cw*ch
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	f.Y, f.U, f.V = buf[:width*height], buf[width*height:width*height+cw*ch], buf[width*height+cw*ch:]

	if sub == C.TJSAMP_GRAY {
		if err := d.planes(data, width, height, sub, f.Y, nil, nil, width, 0); err != nil {
			return nil, buf, err
		}
		for i := range f.U {
			f.U[i], f.V[i] = 128, 128
		}
		return f, buf, nil
	}
	// The planes TurboJPEG writes: Y at the picture's width when the
	// subsampling does not pad it, chroma at the subsampling's size.
	yw := int(C.tjPlaneWidth(0, w, sub))
	yh := int(C.tjPlaneHeight(0, h, sub))
	pw := int(C.tjPlaneWidth(1, w, sub))
	ph := int(C.tjPlaneHeight(1, h, sub))
	if yw != width || yh != height || pw < 1 || ph < 1 {
		// Odd sizes pad the luma plane; webcams do not send them.
		return nil, buf, fmt.Errorf("%w: %dx%d with subsampling %d pads its planes", ErrCorrupt, width, height, int(sub))
	}
	if pw == cw && ph == ch { // 4:2:0: straight into the frame
		if err := d.planes(data, width, height, sub, f.Y, f.U, f.V, width, cw); err != nil {
			return nil, buf, err
		}
		return f, buf, nil
	}
	if cap(d.cb) < pw*ph {
		d.cb, d.cr = make([]byte, pw*ph), make([]byte, pw*ph)
	}
	cb, cr := d.cb[:pw*ph], d.cr[:pw*ph]
	if err := d.planes(data, width, height, sub, f.Y, cb, cr, width, pw); err != nil {
		return nil, buf, err
	}
	if err := yuv.ScalePlane(f.U, cw, ch, cb, pw, ph); err != nil {
		return nil, buf, err
	}
	if err := yuv.ScalePlane(f.V, cw, ch, cr, pw, ph); err != nil {
		return nil, buf, err
	}
	return f, buf, nil
}

// planes decodes into three planes (u and v nil for grey), stopping at
// the first warning: a truncated frame is refused, not half drawn.
func (d *Decoder) planes(data []byte, w, h int, sub C.int, y, u, v []byte, ys, cs int) error {
	var pu, pv *C.uchar
	if u != nil {
		pu, pv = cbytes(u), cbytes(v)
	}
	if C.decodePlanes(d.h, cbytes(data), C.ulong(len(data)), cbytes(y), pu, pv, C.int(ys), C.int(cs), C.int(w), C.int(h)) != 0 {
		return d.fail("decode")
	}
	return nil
}

func (d *Decoder) fail(stage string) error {
	return fmt.Errorf("%w: %s: %s", ErrCorrupt, stage, C.GoString(C.tjGetErrorStr2(d.h)))
}

func cbytes(b []byte) *C.uchar { return (*C.uchar)(unsafe.Pointer(unsafe.SliceData(b))) }
