//go:build linux

package media_test

import (
	"image"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/captured"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/media/v4l2"
	mdframe "github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/io/video"
)

// webcamInput is one raw frame of each kind a webcam sends, made by the
// webcam-like test camera (MJPEG without Huffman tables, as most webcams
// send it, and YUYV), and UYVY and NV12 repacked from its YUYV.
func webcamInput(b *testing.B, format mdframe.Format, w, h int) captured.Raw {
	b.Helper()
	pf := v4l2.MJPEG
	if format != mdframe.FormatMJPEG {
		pf = v4l2.YUYV
	}
	// The test camera offers YUYV up to 720p, MJPEG from 720p.
	data, err := testmedia.WebcamFrame(testmedia.CameraAID, pf, w, h, 3, false, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	switch format {
	case mdframe.FormatUYVY:
		for i := 0; i+1 < len(data); i += 2 {
			data[i], data[i+1] = data[i+1], data[i]
		}
	case mdframe.FormatNV12:
		var c media.Converter
		f, err := c.Convert(captured.Raw{Format: mdframe.FormatYUYV, Width: w, Height: h, Data: data})
		if err != nil {
			b.Fatal(err)
		}
		data = append([]byte(nil), f.Y...)
		for i := range f.U {
			data = append(data, f.U[i], f.V[i])
		}
	}
	return captured.Raw{Format: format, Width: w, Height: h, Data: data}
}

// BenchmarkWebcamFrame is the cost of turning one webcam frame into the
// I420 frame capture hands on, for Parley's converter (libjpeg-turbo,
// libyuv) and for what it replaced: mediadevices' frame decoders (Go's
// image/jpeg for MJPEG), its ToI420, and the copy into the capture
// buffer. Figures: docs/benchmarks.md, "Webcam frames".
func BenchmarkWebcamFrame(b *testing.B) {
	for _, c := range []struct {
		name   string
		format mdframe.Format
		w, h   int
	}{
		{"mjpeg-720p", mdframe.FormatMJPEG, 1280, 720},
		{"mjpeg-1080p", mdframe.FormatMJPEG, 1920, 1080},
		{"yuyv-720p", mdframe.FormatYUYV, 1280, 720},
		{"uyvy-720p", mdframe.FormatUYVY, 1280, 720},
		{"nv12-720p", mdframe.FormatNV12, 1280, 720},
	} {
		raw := webcamInput(b, c.format, c.w, c.h)
		b.Run(c.name+"/parley", func(b *testing.B) {
			var conv media.Converter
			defer conv.Close()
			for b.Loop() {
				if _, err := conv.Convert(raw); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/frame")
		})
		b.Run(c.name+"/mediadevices", func(b *testing.B) {
			dec, err := mdframe.NewDecoder(c.format)
			if err != nil {
				b.Fatal(err)
			}
			src := video.ToI420(video.ReaderFunc(func() (image.Image, func(), error) {
				return dec.Decode(raw.Data, c.w, c.h)
			}))
			var buf []byte
			for b.Loop() {
				img, release, err := src.Read()
				if err != nil {
					b.Fatal(err)
				}
				var f *frames.Frame
				f, buf = media.PackI420(buf, img.(*image.YCbCr), time.Time{})
				_ = f
				release()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/frame")
		})
	}
}
