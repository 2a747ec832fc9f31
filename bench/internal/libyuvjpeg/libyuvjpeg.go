// Package libyuvjpeg is Chromium's MJPEG webcam decoding, for the
// benchmark only: libyuv's MJPGToI420 (libjpeg-turbo's raw-data decoding
// with the fast IDCT, then libyuv's chroma conversion), which Chromium's
// Linux video capture calls for every MJPEG frame. Run beside Parley's
// decoder on the same frames, it says how the two compare on this machine
// (docs/benchmarks.md, "Webcam frames").
package libyuvjpeg

/*
#cgo LDFLAGS: -lyuv
#include <libyuv/convert.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// ToI420 decodes the JPEG in data into the w×h packed I420 picture dst.
func ToI420(dst, data []byte, w, h int) error {
	cw, ch := (w+1)/2, (h+1)/2
	if len(dst) < w*h+2*cw*ch || len(data) == 0 {
		return fmt.Errorf("libyuvjpeg: %d bytes for %dx%d, or no data", len(dst), w, h)
	}
	y, u, v := dst[:w*h], dst[w*h:w*h+cw*ch], dst[w*h+cw*ch:]
	if r := C.MJPGToI420(p(data), C.size_t(len(data)), p(y), C.int(w), p(u), C.int(cw), p(v), C.int(cw), C.int(w), C.int(h), C.int(w), C.int(h)); r != 0 {
		return fmt.Errorf("libyuvjpeg: MJPGToI420 failed (%d)", int(r))
	}
	return nil
}

func p(b []byte) *C.uint8_t { return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b))) }
