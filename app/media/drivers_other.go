//go:build !linux

package media

// The platform camera driver registers the cameras it finds when the
// program starts: AVFoundation on macOS, DirectShow on Windows
// (mediadevices picks by build tag); Linux has Parley's own v4l2 driver
// (drivers_linux.go). mediadevices' own microphone driver is deliberately
// not imported: it panics in init when the audio system cannot start;
// Parley's package mic is used instead.
import (
	"github.com/parleyhq/parley/app/media/captured"
	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/driver/camera"
)

// discoverCameras re-runs the platform driver's discovery, which replaces
// every registered video driver.
func discoverCameras() { camera.Initialize() }

// platformRecorder is nil: mediadevices' drivers decode their frames
// themselves (DirectShow's YUY2 and NV12, AVFoundation's NV12 and I420).
func platformRecorder(driver.Driver) captured.Recorder { return nil }
