package yuv

import (
	"bytes"
	"errors"
	"testing"

	"github.com/parleyhq/parley/app/frames"
)

// Every raw layout, packed from a known picture by hand (with padded
// rows), converts back to that picture exactly: 4:2:2 chroma rows are
// averaged in pairs, so the source repeats each chroma row.
func TestRawLayoutsToI420(t *testing.T) {
	const w, h, pad = 64, 48, 16
	want := picture(w, h, func(x, y int) byte { return byte(x*3 + y) }, func(x, y int) byte { return byte(x*7 + y*5) })
	cw, ch := want.ChromaSize()
	at := func(p []byte, x, y, stride int) byte { return p[y*stride+x] }

	yuyv := make([]byte, (w*2+pad)*h)
	uyvy := make([]byte, (w*2+pad)*h)
	for y := range h {
		for x := 0; x < w; x += 2 {
			o := y*(w*2+pad) + x*2
			u, v := at(want.U, x/2, y/2, cw), at(want.V, x/2, y/2, cw)
			y0, y1 := at(want.Y, x, y, w), at(want.Y, x+1, y, w)
			copy(yuyv[o:], []byte{y0, u, y1, v})
			copy(uyvy[o:], []byte{u, y0, v, y1})
		}
	}
	nv12 := make([]byte, (w+pad)*(h+ch))
	nv21 := make([]byte, len(nv12))
	for y := range h {
		copy(nv12[y*(w+pad):], want.Y[y*w:(y+1)*w])
		copy(nv21[y*(w+pad):], want.Y[y*w:(y+1)*w])
	}
	for y := range ch {
		for x := range cw {
			o := (h+y)*(w+pad) + 2*x
			nv12[o], nv12[o+1] = at(want.U, x, y, cw), at(want.V, x, y, cw)
			nv21[o], nv21[o+1] = at(want.V, x, y, cw), at(want.U, x, y, cw)
		}
	}
	i420 := append(append(bytes.Clone(want.Y), want.U...), want.V...)

	for name, conv := range map[string]func(f *frames.Frame) error{
		"YUYV": func(f *frames.Frame) error { return YUYVToI420(f, yuyv, w*2+pad) },
		"UYVY": func(f *frames.Frame) error { return UYVYToI420(f, uyvy, w*2+pad) },
		"NV12": func(f *frames.Frame) error { return NV12ToI420(f, nv12, w+pad, false) },
		"NV21": func(f *frames.Frame) error { return NV12ToI420(f, nv21, w+pad, true) },
		"I420": func(f *frames.Frame) error { return I420Copy(f, i420, w) },
	} {
		got := blank(w, h)
		if err := conv(got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got.Y, want.Y) || !bytes.Equal(got.U, want.U) || !bytes.Equal(got.V, want.V) {
			t.Errorf("%s: the picture differs", name)
		}
	}
}

// A frame shorter than its size is refused, not read past its end.
func TestRawLayoutsRefuseShortFrames(t *testing.T) {
	f := blank(64, 48)
	for name, err := range map[string]error{
		"YUYV":   YUYVToI420(f, make([]byte, 64*2*47), 128),
		"UYVY":   UYVYToI420(f, make([]byte, 64*2*48-1), 128),
		"NV12":   NV12ToI420(f, make([]byte, 64*48), 64, false),
		"I420":   I420Copy(f, make([]byte, 64*48), 64),
		"stride": YUYVToI420(f, make([]byte, 64*2*48), 100),
	} {
		if !errors.Is(err, ErrShort) {
			t.Errorf("%s: got %v, want ErrShort", name, err)
		}
	}
}
