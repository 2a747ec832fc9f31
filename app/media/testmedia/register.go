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
		_ = media.RegisterVirtual(&tone{}, driver.Info{Label: Tone, Name: Tone, DeviceType: driver.Microphone, Priority: priority})
	})
}
