package testmedia

import (
	"sync"

	"github.com/parleyhq/parley/app/media"
	"github.com/pion/mediadevices/pkg/driver"
)

// Names and stamp ids of the test devices.
const (
	CameraA   = "Parley Test Camera A"
	CameraB   = "Parley Test Camera B"
	Tone      = "Parley Test Tone"
	CameraAID = 1
	CameraBID = 2
	// The webcam-like cameras (--fake-webcam) draw camera A's and B's
	// pictures. A sends MJPEG without Huffman tables, as most UVC
	// webcams do; B includes them.
	WebcamA = "Parley Test Webcam A"
	WebcamB = "Parley Test Webcam B"
)

// priority puts the test devices ahead of real ones (whose best is
// driver.PriorityHigh), so that with --fake-media they are the defaults.
const priority = driver.PriorityHigh + 0.1

var once sync.Once

// Register adds the test devices to mediadevices' driver manager (through
// media.RegisterVirtual, so they survive camera re-discovery). Calling it
// again does nothing.
func Register() {
	once.Do(func() {
		for _, c := range []*camera{newCamera(CameraAID), newCamera(CameraBID)} {
			name := CameraA
			if c.id == CameraBID {
				name = CameraB
			}
			_ = media.RegisterVirtual(c, driver.Info{Label: name, Name: name, DeviceType: driver.Camera, Priority: priority})
		}
		registerTone()
	})
}

var toneOnce sync.Once

func registerTone() {
	toneOnce.Do(func() {
		_ = media.RegisterVirtual(&tone{}, driver.Info{Label: Tone, Name: Tone, DeviceType: driver.Microphone, Priority: priority})
	})
}

// RegisterFor registers what the command line asked for: nothing without
// fakeMedia, the webcam-like cameras with webcam too, else the pattern
// cameras; the tone either way.
func RegisterFor(fakeMedia, webcam bool) error {
	switch {
	case !fakeMedia:
		return nil
	case webcam:
		return RegisterWebcams()
	}
	Register()
	return nil
}
