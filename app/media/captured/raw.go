// Package captured is how Parley's camera drivers (app/media/v4l2, the
// test cameras) hand their frames to app/media: undecoded (Raw), with the
// moment the camera captured each, stated once by the driver that knows
// it. app/media converts every such frame with one converter; from there
// the time travels in frames.Frame.
package captured

import (
	"time"

	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/prop"
)

// Raw is one frame as a camera delivered it, before any conversion:
// MJPEG, YUYV, UYVY, NV12, NV21 or I420 bytes. app/media converts it to
// I420 (libjpeg-turbo, libyuv); drivers never decode.
type Raw struct {
	Format        frame.Format // mediadevices' format names
	Width, Height int          // the mode the camera streams; a JPEG carries its own size too
	// Data is the frame's bytes, valid until the next Read. Rows may be
	// padded: the converter takes the stride from the length.
	Data []byte
	// Captured is when the camera captured the frame; zero when the
	// driver cannot say, and capture then takes the frame's arrival.
	Captured time.Time
}

// Reader delivers a camera's frames undecoded. Read blocks until the next
// frame; after the camera is closed it returns io.EOF.
type Reader interface {
	Read() (Raw, error)
}

// Recorder is a camera driver that hands over its frames undecoded, so
// that Parley converts every camera's frames with one piece of code
// (app/media's converter) rather than mediadevices' frame package, whose
// MJPEG decoding goes through Go's image/jpeg. app/media opens a driver
// that is a Recorder with RecordRaw, and any other with VideoRecord.
type Recorder interface {
	RecordRaw(p prop.Media) (Reader, error)
}
