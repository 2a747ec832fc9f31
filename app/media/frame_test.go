package media

import (
	"image"
	"testing"
	"time"
)

func TestPackI420(t *testing.T) {
	// A sub-image with padded strides and odd size.
	src := image.NewYCbCr(image.Rect(0, 0, 12, 10), image.YCbCrSubsampleRatio420)
	for i := range src.Y {
		src.Y[i] = byte(i)
	}
	for i := range src.Cb {
		src.Cb[i], src.Cr[i] = byte(100+i), byte(200+i)
	}
	sub := src.SubImage(image.Rect(2, 2, 9, 7)).(*image.YCbCr)
	at := time.Unix(1, 0)
	f, buf := packI420(make([]byte, 3), sub, at) // too small: grown
	cw, ch := f.ChromaSize()
	if f.Width != 7 || f.Height != 5 || len(f.Y) != 35 || len(f.U) != cw*ch || len(f.V) != cw*ch || cw != 4 || !f.Captured.Equal(at) {
		t.Fatalf("frame %dx%d, planes %d/%d/%d, captured %v", f.Width, f.Height, len(f.Y), len(f.U), len(f.V), f.Captured)
	}
	for y := 0; y < 5; y++ {
		for x := 0; x < 7; x++ {
			if got, want := f.Y[y*7+x], sub.Y[sub.YOffset(2+x, 2+y)]; got != want {
				t.Fatalf("Y(%d,%d) = %d, want %d", x, y, got, want)
			}
		}
	}
	for y := 0; y < 3; y++ {
		for x := 0; x < 4; x++ {
			o := sub.COffset(2+2*x, 2+2*y)
			if f.U[y*4+x] != sub.Cb[o] || f.V[y*4+x] != sub.Cr[o] {
				t.Fatalf("chroma (%d,%d) differs", x, y)
			}
		}
	}
	// The next frame reuses the buffer.
	if g, again := packI420(buf, sub, at); &again[0] != &buf[0] || &g.Y[0] != &f.Y[0] {
		t.Error("a second frame of the same size got a new buffer")
	}
}

// BenchmarkPackI420 is the copy every captured frame gets (see packI420).
func BenchmarkPackI420(b *testing.B) {
	src := image.NewYCbCr(image.Rect(0, 0, 1920, 1080), image.YCbCrSubsampleRatio420)
	b.SetBytes(int64(len(src.Y) + 2*len(src.Cb)))
	var buf []byte
	for i := 0; i < b.N; i++ {
		_, buf = packI420(buf, src, time.Time{})
	}
}
