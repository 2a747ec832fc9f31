// Package yuv scales packed I420 pictures with libyuv, whose row functions
// use the CPU's vector units (SSSE3, AVX2, NEON), chosen at run time.
//
// Why libyuv: the frame bridge scales every frame it sends to the size the
// page shows it. Parley's own Go scaler (a box filter, then a bilinear
// pass, eight pixels per step in 16-bit lanes) took 1.25 ms for 720p to
// 976×549 and 0.44 ms for the corner preview; libyuv takes 0.60 and 0.14
// (BenchmarkScale*), and it is what Chromium and libwebrtc scale with.
// WebKitGTK already pulls it in (through libavif).
package yuv

/*
#cgo LDFLAGS: -lyuv
#include <libyuv/scale.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// ChromaSize is the size of an I420 chroma plane for a w×h picture.
func ChromaSize(w, h int) (int, int) { return (w + 1) / 2, (h + 1) / 2 }

// Size is the bytes packed I420 planes of a w×h picture take.
func Size(w, h int) int {
	cw, ch := ChromaSize(w, h)
	return w*h + 2*cw*ch
}

// Scale writes the packed I420 planes y, u, v of a w×h picture into dst at
// dw×dh as packed I420 planes. Each output pixel is the mean of the source
// pixels it covers when the picture shrinks by more than half, and
// bilinearly filtered otherwise: alias-free for a small preview, sharp for
// a pane a little smaller than the picture. dst must hold Size(dw, dh).
func Scale(dst []byte, dw, dh int, y, u, v []byte, w, h int) error {
	cw, ch := ChromaSize(w, h)
	dcw, dch := ChromaSize(dw, dh)
	switch {
	case w < 1 || h < 1 || dw < 1 || dh < 1:
		return fmt.Errorf("yuv: cannot scale %dx%d to %dx%d", w, h, dw, dh)
	case len(y) < w*h || len(u) < cw*ch || len(v) < cw*ch:
		return fmt.Errorf("yuv: planes too short for %dx%d", w, h)
	case len(dst) < Size(dw, dh):
		return fmt.Errorf("yuv: %d bytes cannot hold %dx%d", len(dst), dw, dh)
	}
	dy, du, dv := dst[:dw*dh], dst[dw*dh:dw*dh+dcw*dch], dst[dw*dh+dcw*dch:]
	if r := C.I420Scale(
		ptr(y), C.int(w), ptr(u), C.int(cw), ptr(v), C.int(cw), C.int(w), C.int(h),
		ptr(dy), C.int(dw), ptr(du), C.int(dcw), ptr(dv), C.int(dcw), C.int(dw), C.int(dh),
		C.kFilterBox,
	); r != 0 {
		return fmt.Errorf("yuv: libyuv I420Scale %dx%d to %dx%d failed (%d)", w, h, dw, dh, int(r))
	}
	return nil
}

func ptr(b []byte) *C.uint8_t { return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b))) }
