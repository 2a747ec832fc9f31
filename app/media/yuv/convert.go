package yuv

/*
#include <libyuv/convert.h>
#include <libyuv/convert_from.h>
#include <libyuv/scale.h>
*/
import "C"

import (
	"errors"
	"fmt"

	"github.com/parleyhq/parley/app/frames"
)

// ErrShort is returned when a raw frame holds fewer bytes than its size
// needs: a camera delivered a truncated frame.
var ErrShort = errors.New("yuv: frame shorter than its size")

// The layouts cameras deliver besides MJPEG, converted to I420 with
// libyuv's row functions (Measured against mediadevices' converters:
// docs/benchmarks.md, "Webcam frames"). Each takes the source's row
// stride in bytes, which a driver may pad beyond the picture's width, and
// writes the whole of dst, which must be whole (frames.Frame.Whole).

// YUYVToI420 converts packed 4:2:2 Y0 U Y1 V (V4L2 YUYV, Windows YUY2).
func YUYVToI420(dst *frames.Frame, src []byte, stride int) error {
	if err := check(dst, src, stride, (dst.Width+1)/2*4, dst.Height); err != nil {
		return err
	}
	cw, _ := dst.ChromaSize()
	return result("YUY2ToI420", C.YUY2ToI420(ptr(src), C.int(stride),
		ptr(dst.Y), C.int(dst.Width), ptr(dst.U), C.int(cw), ptr(dst.V), C.int(cw),
		C.int(dst.Width), C.int(dst.Height)))
}

// UYVYToI420 converts packed 4:2:2 U Y0 V Y1.
func UYVYToI420(dst *frames.Frame, src []byte, stride int) error {
	if err := check(dst, src, stride, (dst.Width+1)/2*4, dst.Height); err != nil {
		return err
	}
	cw, _ := dst.ChromaSize()
	return result("UYVYToI420", C.UYVYToI420(ptr(src), C.int(stride),
		ptr(dst.Y), C.int(dst.Width), ptr(dst.U), C.int(cw), ptr(dst.V), C.int(cw),
		C.int(dst.Width), C.int(dst.Height)))
}

// NV12ToI420 converts a Y plane followed by one plane of interleaved U V
// at half resolution, both with the given stride; swapUV reads V U
// (NV21) instead.
func NV12ToI420(dst *frames.Frame, src []byte, stride int, swapUV bool) error {
	_, ch := dst.ChromaSize()
	if err := check(dst, src, stride, (dst.Width+1)/2*2, dst.Height+ch); err != nil {
		return err
	}
	cw, _ := dst.ChromaSize()
	y, uv := src[:stride*dst.Height], src[stride*dst.Height:]
	dy, du, dv, dw, dcw := ptr(dst.Y), ptr(dst.U), ptr(dst.V), C.int(dst.Width), C.int(cw)
	if swapUV {
		return result("NV21ToI420", C.NV21ToI420(ptr(y), C.int(stride), ptr(uv), C.int(stride),
			dy, dw, du, dcw, dv, dcw, dw, C.int(dst.Height)))
	}
	return result("NV12ToI420", C.NV12ToI420(ptr(y), C.int(stride), ptr(uv), C.int(stride),
		dy, dw, du, dcw, dv, dcw, dw, C.int(dst.Height)))
}

// I420Copy copies planar I420 whose Y rows are stride bytes apart and
// whose chroma rows are (stride+1)/2 apart, the layout V4L2's YUV420 uses.
func I420Copy(dst *frames.Frame, src []byte, stride int) error {
	cw, ch := dst.ChromaSize()
	cs := (stride + 1) / 2
	if err := check(dst, src, stride, dst.Width, dst.Height); err != nil {
		return err
	}
	if len(src) < stride*dst.Height+2*cs*ch {
		return fmt.Errorf("%w: I420 %dx%d needs %d bytes, got %d", ErrShort, dst.Width, dst.Height, stride*dst.Height+2*cs*ch, len(src))
	}
	u := src[stride*dst.Height:]
	v := u[cs*ch:]
	return result("I420Copy", C.I420Copy(ptr(src), C.int(stride), ptr(u), C.int(cs), ptr(v), C.int(cs),
		ptr(dst.Y), C.int(dst.Width), ptr(dst.U), C.int(cw), ptr(dst.V), C.int(cw),
		C.int(dst.Width), C.int(dst.Height)))
}

// I420ToYUYV packs src as YUYV into dst (grown when too small) and
// returns it: what the webcam-like test cameras send in their raw modes.
func I420ToYUYV(dst []byte, src *frames.Frame) ([]byte, error) {
	if !src.Whole() {
		return dst, fmt.Errorf("yuv: source %dx%d is not whole", src.Width, src.Height)
	}
	stride := (src.Width + 1) / 2 * 4
	if n := stride * src.Height; cap(dst) < n {
		dst = make([]byte, n)
	}
	dst = dst[:stride*src.Height]
	cw, _ := src.ChromaSize()
	return dst, result("I420ToYUY2", C.I420ToYUY2(ptr(src.Y), C.int(src.Width), ptr(src.U), C.int(cw), ptr(src.V), C.int(cw),
		ptr(dst), C.int(stride), C.int(src.Width), C.int(src.Height)))
}

// ScalePlane writes the sw×sh plane src (rows sw bytes apart) into the
// dw×dh plane dst, each output sample the mean of the samples it covers:
// for a JPEG's 4:2:2 or 4:4:4 chroma going to I420's 4:2:0.
func ScalePlane(dst []byte, dw, dh int, src []byte, sw, sh int) error {
	if sw < 1 || sh < 1 || dw < 1 || dh < 1 || len(src) < sw*sh || len(dst) < dw*dh {
		return fmt.Errorf("yuv: cannot scale plane %dx%d (%d bytes) to %dx%d (%d bytes)", sw, sh, len(src), dw, dh, len(dst))
	}
	C.ScalePlane(ptr(src), C.int(sw), C.int(sw), C.int(sh), ptr(dst), C.int(dw), C.int(dw), C.int(dh), C.kFilterBox)
	return nil
}

// check refuses a destination that is not whole, a stride shorter than
// a row, and a source shorter than rows rows of stride bytes (the last
// one needs only its picture).
func check(dst *frames.Frame, src []byte, stride, rowBytes, rows int) error {
	if !dst.Whole() {
		return fmt.Errorf("yuv: destination %dx%d is not whole", dst.Width, dst.Height)
	}
	if stride < rowBytes {
		return fmt.Errorf("%w: stride %d below a row of %d bytes", ErrShort, stride, rowBytes)
	}
	if need := stride*(rows-1) + rowBytes; len(src) < need {
		return fmt.Errorf("%w: %dx%d needs %d bytes, got %d", ErrShort, dst.Width, dst.Height, need, len(src))
	}
	return nil
}

func result(name string, r C.int) error {
	if r != 0 {
		return fmt.Errorf("yuv: libyuv %s failed (%d)", name, int(r))
	}
	return nil
}
