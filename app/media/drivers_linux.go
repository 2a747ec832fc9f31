//go:build linux

package media

import (
	"github.com/parleyhq/parley/app/media/captured"
	"github.com/parleyhq/parley/app/media/v4l2"
	"github.com/pion/mediadevices/pkg/driver"
)

// On Linux the cameras come from Parley's own v4l2 driver rather than
// mediadevices', which decodes every frame itself (MJPEG through Go's
// image/jpeg); v4l2.Camera hands them over undecoded for this package's
// converter. It registers the cameras it finds when the program starts,
// as mediadevices' drivers do on the other platforms (drivers_other.go).
func init() { v4l2.Discover() }

// discoverCameras re-runs discovery, which replaces every registered video
// driver.
func discoverCameras() { v4l2.Discover() }

// platformRecorder is the V4L2 camera behind d, or nil.
func platformRecorder(d driver.Driver) captured.Recorder {
	if c, ok := v4l2.Lookup(d); ok {
		return c
	}
	return nil
}
