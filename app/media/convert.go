package media

import (
	"fmt"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/captured"
	"github.com/parleyhq/parley/app/media/mjpeg"
	"github.com/parleyhq/parley/app/media/yuv"
	"github.com/pion/mediadevices/pkg/frame"
)

// converter turns a camera's raw frames (captured.Raw) into packed I420,
// in one buffer reused for every frame of the capture (see packI420 for
// why that is safe): MJPEG through libjpeg-turbo, the raw layouts through
// libyuv. Every Parley camera driver's frames come through here, real
// V4L2 webcams and the webcam-like test cameras alike. Per-frame costs
// against mediadevices' converters: docs/benchmarks.md, "Webcam frames".
type converter struct {
	buf  []byte
	jpeg *mjpeg.Decoder // made at the first MJPEG frame
}

// convert returns raw as an I420 frame captured at raw.Captured, valid
// until the next call. A frame it cannot convert (truncated, corrupt, a
// layout it does not know) is an error, and the frame is to be skipped.
func (c *converter) convert(raw captured.Raw) (*frames.Frame, error) {
	if raw.Format == frame.FormatMJPEG {
		if c.jpeg == nil {
			d, err := mjpeg.NewDecoder()
			if err != nil {
				return nil, err
			}
			c.jpeg = d
		}
		f, buf, err := c.jpeg.Decode(c.buf, raw.Data)
		c.buf = buf
		if err != nil {
			return nil, err
		}
		f.Captured = raw.Captured
		return f, nil
	}
	w, h := raw.Width, raw.Height
	if w < 1 || h < 1 || w > mjpeg.MaxDimension || h > mjpeg.MaxDimension {
		return nil, fmt.Errorf("media: %s frame of implausible size %dx%d", raw.Format, w, h)
	}
	f := c.frame(w, h)
	cw, ch := f.ChromaSize()
	var err error
	switch raw.Format {
	case frame.FormatYUYV, frame.FormatYUY2:
		err = yuv.YUYVToI420(f, raw.Data, stride(len(raw.Data), h, cw*4))
	case frame.FormatUYVY:
		err = yuv.UYVYToI420(f, raw.Data, stride(len(raw.Data), h, cw*4))
	case frame.FormatNV12, frame.FormatNV21:
		err = yuv.NV12ToI420(f, raw.Data, stride(len(raw.Data), h+ch, cw*2), raw.Format == frame.FormatNV21)
	case frame.FormatI420:
		err = yuv.I420Copy(f, raw.Data, w)
	default:
		err = fmt.Errorf("media: cameras' %q frames are not supported", raw.Format)
	}
	if err != nil {
		return nil, err
	}
	f.Captured = raw.Captured
	return f, nil
}

// frame returns a frame of the given size over the reused buffer.
func (c *converter) frame(w, h int) *frames.Frame {
	f := &frames.Frame{Width: w, Height: h}
	cw, ch := f.ChromaSize()
	n := w*h + 2*cw*ch
	if cap(c.buf) < n {
		c.buf = make([]byte, n)
	}
	c.buf = c.buf[:n]
	f.Y, f.U, f.V = c.buf[:w*h], c.buf[w*h:w*h+cw*ch], c.buf[w*h+cw*ch:]
	return f
}

// close frees the JPEG decoder.
func (c *converter) close() {
	if c.jpeg != nil {
		c.jpeg.Close()
		c.jpeg = nil
	}
}

// stride is the row length of a frame of n bytes in rows rows: a driver
// may pad each row beyond the picture's rowBytes, and V4L2 frames carry
// no other word of it here than their length.
func stride(n, rows, rowBytes int) int {
	if rows > 0 && n%rows == 0 && n/rows > rowBytes {
		return n / rows
	}
	return rowBytes
}
