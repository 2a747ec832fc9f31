//go:build linux

package libyuvjpeg

import (
	"fmt"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/media/mjpeg"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/media/v4l2"
)

func frame(tb testing.TB, w, h int) []byte {
	// Without Huffman tables, as app/media's benchmark decodes them:
	// libjpeg-turbo supplies the standard ones under both decoders.
	data, err := testmedia.WebcamFrame(testmedia.CameraAID, v4l2.MJPEG, w, h, 3, false, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// Both decoders give the same picture, to within the rounding of their
// chroma averaging.
func TestSamePictureAsParley(t *testing.T) {
	data := frame(t, 1280, 720)
	d, err := mjpeg.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ours, _, err := d.Decode(nil, data)
	if err != nil {
		t.Fatal(err)
	}
	theirs := make([]byte, 1280*720*3/2)
	if err := ToI420(theirs, data, 1280, 720); err != nil {
		t.Fatal(err)
	}
	for i, b := range ours.Y {
		if d := int(b) - int(theirs[i]); d < -1 || d > 1 {
			t.Fatalf("luma %d differs: %d against %d", i, b, theirs[i])
		}
	}
	for i, b := range ours.U {
		if d := int(b) - int(theirs[1280*720+i]); d < -2 || d > 2 {
			t.Fatalf("chroma %d differs: %d against %d", i, b, theirs[1280*720+i])
		}
	}
}

// BenchmarkChromiumMJPEG is Chromium's decoding of the webcam-like
// camera's MJPEG frames, beside BenchmarkWebcamFrame in app/media.
func BenchmarkChromiumMJPEG(b *testing.B) {
	for _, s := range [][2]int{{1280, 720}, {1920, 1080}} {
		b.Run(fmt.Sprintf("mjpeg-%dp", s[1]), func(b *testing.B) {
			data := frame(b, s[0], s[1])
			dst := make([]byte, s[0]*s[1]*3/2)
			for b.Loop() {
				if err := ToI420(dst, data, s[0], s[1]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/frame")
		})
	}
}
