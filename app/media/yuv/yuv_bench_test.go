package yuv

import "testing"

func bench(b *testing.B, w, h, dw, dh int) {
	src := make([]byte, Size(w, h))
	for i := range src {
		src[i] = byte(i * 7)
	}
	cw, ch := ChromaSize(w, h)
	y, u, v := src[:w*h], src[w*h:w*h+cw*ch], src[w*h+cw*ch:]
	dst := make([]byte, Size(dw, dh))
	for b.Loop() {
		if err := Scale(dst, dw, dh, y, u, v, w, h); err != nil {
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
