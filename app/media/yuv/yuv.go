// Package yuv scales packed I420 pictures with libyuv, whose row functions
// use the CPU's vector units (SSSE3, AVX2, NEON), chosen at run time.
//
// Why libyuv: the frame bridge scales every frame it sends to the size the
// page shows it. libyuv takes about half the time of Parley's own Go
// scaler (a box filter, then a bilinear pass, eight pixels per step in
// 16-bit lanes), and it is what Chromium and libwebrtc scale with.
// Measured: docs/benchmarks.md, "Figures behind the code" (Bridge scaling).
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

	"github.com/parleyhq/parley/app/frames"
)

// Scale writes src into dst at dst's size. Each output pixel is the mean
// of the source pixels it covers when the picture shrinks by more than
// half, and bilinearly filtered otherwise: alias-free for a small preview,
// sharp for a pane a little smaller than the picture. Both frames' planes
// must hold their pictures (frames.Frame.Whole).
func Scale(dst, src *frames.Frame) error {
	if !src.Whole() || !dst.Whole() {
		return fmt.Errorf("yuv: cannot scale %dx%d to %dx%d: a size or a plane is short", src.Width, src.Height, dst.Width, dst.Height)
	}
	cw, _ := src.ChromaSize()
	dcw, _ := dst.ChromaSize()
	if r := C.I420Scale(
		ptr(src.Y), C.int(src.Width), ptr(src.U), C.int(cw), ptr(src.V), C.int(cw), C.int(src.Width), C.int(src.Height),
		ptr(dst.Y), C.int(dst.Width), ptr(dst.U), C.int(dcw), ptr(dst.V), C.int(dcw), C.int(dst.Width), C.int(dst.Height),
		C.kFilterBox,
	); r != 0 {
		return fmt.Errorf("yuv: libyuv I420Scale %dx%d to %dx%d failed (%d)", src.Width, src.Height, dst.Width, dst.Height, int(r))
	}
	return nil
}

func ptr(b []byte) *C.uint8_t { return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b))) }
