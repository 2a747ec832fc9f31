//go:build linux

package media

import "github.com/parleyhq/parley/app/media/v4l2"

// On Linux the cameras come from Parley's own v4l2 driver rather than
// mediadevices', which decodes every frame itself (MJPEG through Go's
// image/jpeg); v4l2.Camera hands them over undecoded for this package's
// converter. It registers the cameras it finds when the program starts,
// as mediadevices' drivers do on the other platforms (drivers_other.go).
func init() { v4l2.Discover() }

// discoverCameras re-runs discovery, which replaces every registered video
// driver.
func discoverCameras() { v4l2.Discover() }
