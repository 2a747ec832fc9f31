//go:build linux

package testmedia

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/blackjack/webcam"
	"github.com/parleyhq/parley/app/media/mjpeg"
	"github.com/parleyhq/parley/app/media/stamp"
	"github.com/parleyhq/parley/app/media/v4l2"
	"github.com/parleyhq/parley/internal/psnr"
)

func stream(t *testing.T, d *uvcDevice, f webcam.PixelFormat, w, h int) {
	t.Helper()
	if _, gw, gh, err := d.SetImageFormat(f, uint32(w), uint32(h)); err != nil || int(gw) != w || int(gh) != h {
		t.Fatalf("SetImageFormat %dx%d: got %dx%d, %v", w, h, gw, gh, err)
	}
	if err := d.StartStreaming(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
}

func next(t *testing.T, d *uvcDevice) []byte {
	t.Helper()
	if err := d.WaitForFrame(5); err != nil {
		t.Fatal(err)
	}
	b, _, err := d.GetFrame()
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), b...)
}

// The webcam-like camera's MJPEG is a real 4:2:2 JPEG that libjpeg-turbo
// decodes to the test picture, stamp and all, with and without Huffman
// tables, on the first pass of its loop (encoded whole) and on later ones
// (only the stamp rows encoded).
func TestWebcamSendsRealMJPEG(t *testing.T) {
	for _, c := range []struct {
		name string
		dht  bool
	}{{"without tables", false}, {"with tables", true}} {
		t.Run(c.name, func(t *testing.T) {
			d := newUVCDevice(CameraAID, c.dht)
			stream(t, d, v4l2.MJPEG, 1280, 720)
			dec, err := mjpeg.NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			defer dec.Close()
			ref := cachedRenderer(CameraAID, patternA, 1280, 720)
			var buf []byte
			for seq := uint32(0); seq < webcamLoop+3; seq++ {
				if seq%webcamLoop > 2 { // only the loop's start and its repeat are checked, in real time
					if _, _, err := d.GetFrame(); err != nil {
						t.Fatal(err)
					}
					continue
				}
				data := next(t, d)
				if got := bytes.Contains(data, []byte{0xFF, 0xC4}); got != c.dht {
					t.Fatalf("frame %d: Huffman table present %v, want %v", seq, got, c.dht)
				}
				if !bytes.Contains(data[:200], []byte{0xFF, 0xC0}) || data[len(data)-1] != 0xD9 {
					t.Fatalf("frame %d: not a baseline JPEG ending in EOI", seq)
				}
				f, b, err := dec.Decode(buf, data)
				buf = b
				if err != nil {
					t.Fatalf("frame %d: %v", seq, err)
				}
				if f.Width != 1280 || f.Height != 720 {
					t.Fatalf("frame %d: %dx%d", seq, f.Width, f.Height)
				}
				code, ok := stamp.Decode(f.Y, f.Width, f.Height, f.Width)
				if !ok || code.Seq != seq || code.Camera != CameraAID {
					t.Fatalf("frame %d: stamp %+v ok %v", seq, code, ok)
				}
				if time.Since(time.UnixMilli(code.CapturedMS)) > time.Second {
					t.Fatalf("frame %d: stamp time %v is stale", seq, time.UnixMilli(code.CapturedMS))
				}
				want := ref.render(seq % webcamLoop)
				band := stamp.Height(1280) + 8 // the stamp itself differs
				if p := psnr.Of(want.Y[band*1280:], f.Y[band*1280:]); p < 32 {
					t.Fatalf("frame %d: luma PSNR %.1f dB below 32", seq, p)
				}
				if p := psnr.Of(want.Cb, f.U); p < 32 {
					t.Fatalf("frame %d: Cb PSNR %.1f dB below 32", seq, p)
				}
			}
		})
	}
}

// The raw mode sends YUYV: two bytes a pixel, luma at even offsets.
func TestWebcamSendsYUYV(t *testing.T) {
	d := newUVCDevice(CameraBID, true)
	stream(t, d, v4l2.YUYV, 640, 480)
	data := next(t, d)
	if len(data) != 640*480*2 {
		t.Fatalf("YUYV frame of %d bytes, want %d", len(data), 640*480*2)
	}
	y := make([]byte, 640*480)
	for i := range y {
		y[i] = data[2*i]
	}
	if code, ok := stamp.Decode(y, 640, 480, 640); !ok || code.Camera != CameraBID || code.Seq != 0 {
		t.Fatalf("stamp %+v ok %v", code, ok)
	}
}

// The modes are a UVC webcam's, and a size it lacks is adjusted to the
// nearest of the format, as V4L2 drivers do.
func TestWebcamModes(t *testing.T) {
	d := newUVCDevice(CameraAID, false)
	if got := d.GetSupportedFrameSizes(v4l2.YUYV); len(got) != 2 || got[1].MaxWidth != 1280 {
		t.Fatalf("YUYV sizes %+v", got)
	}
	r := d.GetSupportedFramerates(v4l2.YUYV, 1280, 720)
	if len(r) != 1 || r[0].MaxDenominator/r[0].MaxNumerator != 10 {
		t.Fatalf("YUYV 720p rates %+v, want 10 fps", r)
	}
	if _, w, h, err := d.SetImageFormat(v4l2.MJPEG, 1900, 1000); err != nil || w != 1920 || h != 1080 {
		t.Fatalf("adjusted to %dx%d, %v", w, h, err)
	}
	if _, _, _, err := d.SetImageFormat(v4l2.NV12, 640, 480); err == nil {
		t.Fatal("a format the camera lacks was accepted")
	}
}

// BenchmarkWebcam is what a webcam-like camera spends per frame once its
// loop is encoded (render, stamp, the stamp rows' JPEG, splice; or YUYV
// packing): what --fake-webcam costs the machine beyond a real webcam.
func BenchmarkWebcam(b *testing.B) {
	for _, m := range webcamModes {
		name := fmt.Sprintf("%s-%dx%d", map[webcam.PixelFormat]string{v4l2.MJPEG: "mjpeg", v4l2.YUYV: "yuyv"}[m.format], m.w, m.h)
		b.Run(name, func(b *testing.B) {
			d := newUVCDevice(CameraAID, false)
			if _, _, _, err := d.SetImageFormat(m.format, uint32(m.w), uint32(m.h)); err != nil {
				b.Fatal(err)
			}
			if err := d.StartStreaming(); err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			for range webcamLoop { // the loop's first pass encodes whole pictures
				if _, err := d.frame(); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if _, err := d.frame(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/frame")
		})
	}
}
