package yuv

import "testing"

func bench(b *testing.B, w, h, dw, dh int) {
	src := picture(w, h, func(x, y int) byte { return byte(x*7 + y) }, func(x, y int) byte { return byte(x + 3*y) })
	dst := blank(dw, dh)
	for b.Loop() {
		if err := Scale(dst, src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScale720pToPane is the remote stream in a 1280×800 window.
func BenchmarkScale720pToPane(b *testing.B) { bench(b, 1280, 720, 976, 549) }

// BenchmarkScale1080pToPane is a 1080p call in the same window.
func BenchmarkScale1080pToPane(b *testing.B) { bench(b, 1920, 1080, 976, 549) }

// BenchmarkScale720pToPreview is the corner preview of a 720p camera.
func BenchmarkScale720pToPreview(b *testing.B) { bench(b, 1280, 720, 215, 121) }
