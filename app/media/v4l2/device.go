//go:build linux

package v4l2

import "github.com/blackjack/webcam"

// Device is what the driver needs of one open V4L2 capture node. A real
// node is blackjack/webcam's *webcam.Webcam; the webcam-like test cameras
// (app/media/testmedia) implement it too, so that their frames take every
// step a real webcam's do after the kernel: mode listing, mode choice,
// streaming, reading, conversion.
type Device interface {
	GetSupportedFormats() map[webcam.PixelFormat]string
	GetSupportedFrameSizes(f webcam.PixelFormat) []webcam.FrameSize
	GetSupportedFramerates(f webcam.PixelFormat, width, height uint32) []webcam.FrameRate
	SetImageFormat(f webcam.PixelFormat, width, height uint32) (webcam.PixelFormat, uint32, uint32, error)
	SetFramerate(fps float32) error
	SetBufferCount(n uint32) error
	StartStreaming() error
	// WaitForFrame blocks until a frame is ready, for at most timeout
	// seconds (*webcam.Timeout when none came). The driver calls it
	// without holding its lock, so StopStreaming may run meanwhile (never
	// Close): WaitForFrame must then return at once, with nil or an
	// error, as a real node's poll does (videobuf2 reports POLLERR on a
	// queue that is not streaming). It also returns at once when called
	// after StopStreaming.
	WaitForFrame(timeout uint32) error
	// GetFrame dequeues the ready frame: the bytes are the device's
	// buffer, the kernel's to refill once ReleaseFrame gives back its
	// index, so the driver copies them first (webcam.ReadFrame gives the
	// buffer back before the caller has read it, and a late reader could
	// copy a frame half overwritten). An empty frame is possible.
	GetFrame() ([]byte, uint32, error)
	ReleaseFrame(index uint32) error
	StopStreaming() error
	Close() error
}

// Opener opens the device, each time the camera is opened.
type Opener func() (Device, error)

var _ Device = (*webcam.Webcam)(nil)

// The V4L2 pixel formats Parley converts (linux/videodev2.h's
// V4L2_PIX_FMT_*, four-character codes), and mediadevices' name of each.
const (
	MJPEG  = webcam.PixelFormat('M' | 'J'<<8 | 'P'<<16 | 'G'<<24)
	YUYV   = webcam.PixelFormat('Y' | 'U'<<8 | 'Y'<<16 | 'V'<<24)
	UYVY   = webcam.PixelFormat('U' | 'Y'<<8 | 'V'<<16 | 'Y'<<24)
	NV12   = webcam.PixelFormat('N' | 'V'<<8 | '1'<<16 | '2'<<24)
	NV21   = webcam.PixelFormat('N' | 'V'<<8 | '2'<<16 | '1'<<24)
	YUV420 = webcam.PixelFormat('Y' | 'U'<<8 | '1'<<16 | '2'<<24)
)
