package media

// The platform camera driver registers the cameras it finds when the
// program starts: v4l2 on Linux, AVFoundation on macOS, DirectShow on
// Windows (mediadevices picks by build tag). mediadevices' own microphone
// driver is deliberately not imported: it panics in init when the audio
// system cannot start; Parley's package mic is used instead.
import (
	_ "github.com/pion/mediadevices/pkg/driver/camera"
)
