package media

import (
	"context"
	"slices"
	"time"

	"github.com/pion/mediadevices/pkg/driver"
)

// Watch reports the cameras and microphones (cameras first) at once and
// then every time the set changes, checking every interval, until ctx
// ends; then the channel is closed. The settings menu uses it for
// hot-plug.
//
// Microphones are re-enumerated through miniaudio on every check. Cameras
// are re-discovered on Linux when the set of /dev/video* nodes changes
// (the v4l2 driver discovers only when asked, so Watch re-runs its
// discovery and then puts Parley's virtual devices back). On macOS and
// Windows the camera list stays as found at start: mediadevices v0.10.0
// offers an AVFoundation observer for macOS only, and nothing here uses
// it yet.
func Watch(ctx context.Context, interval time.Duration) <-chan []Device {
	out := make(chan []Device)
	go func() {
		defer close(out)
		t := time.NewTicker(interval)
		defer t.Stop()
		var last []Device
		lastNodes := cameraNodes()
		first := true
		for {
			if nodes := cameraNodes(); nodes != lastNodes {
				lastNodes = nodes
				rediscoverCameras()
			}
			refreshMicrophones()
			now := append(list(Camera), list(Microphone)...)
			if first || !sameDevices(now, last) {
				select {
				case out <- now:
				case <-ctx.Done():
					return
				}
				last, first = now, false
			}
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// rediscoverCameras re-runs the platform camera driver's discovery, which
// replaces every registered camera, and restores the virtual ones.
func rediscoverCameras() {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	discoverCameras()
	reregisterVirtual(driver.Camera)
}

func sameDevices(a, b []Device) bool {
	return slices.EqualFunc(a, b, func(x, y Device) bool {
		return x.Kind == y.Kind && x.Name == y.Name && x.Default == y.Default && slices.Equal(x.Formats, y.Formats)
	})
}
