package jpeg_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/testmedia"
)

// benchFrames pre-renders a second of test-camera video, so the
// benchmark times only the encoder.
func benchFrames(b *testing.B, w, h int) []*frames.Frame {
	g, err := testmedia.NewGenerator(testmedia.CameraAID, w, h)
	if err != nil {
		b.Fatal(err)
	}
	fs := make([]*frames.Frame, 30)
	for i := range fs {
		img := g.Frame(uint32(i), time.Now()) // tightly packed I420
		fs[i] = &frames.Frame{Width: w, Height: h, Y: img.Y, U: img.Cb, V: img.Cr}
	}
	return fs
}

// BenchmarkEncode is one stream's JPEGs at the sizes the bridge sends,
// the corner preview, the pane of a 1280×800 window, and 720p and 1080p
// at their own size, for the bridge's quality (85) and either side of it.
func BenchmarkEncode(b *testing.B) {
	for _, s := range [][2]int{{282, 159}, {976, 549}, {1280, 720}, {1920, 1080}} {
		for _, q := range []int{75, 85, 90} {
			b.Run(fmt.Sprintf("%dx%d/q%d", s[0], s[1], q), func(b *testing.B) {
				fs := benchFrames(b, s[0], s[1])
				e := newEncoder(b, q)
				var out []byte
				total := 0
				n := 0
				for b.Loop() {
					var err error
					if out, err = e.Encode(out[:0], fs[n%len(fs)]); err != nil {
						b.Fatal(err)
					}
					total += len(out)
					n++
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/1e6, "ms/frame")
				b.ReportMetric(float64(total)/float64(n), "bytes/frame")
			})
		}
	}
}
