package media

import (
	"sync"

	"github.com/parleyhq/parley/app/media/captured"

	"github.com/pion/mediadevices/pkg/driver"
)

// registry remembers the devices Parley registers itself (the test
// devices), because re-discovering cameras (discoverCameras: Parley's
// V4L2 driver, or mediadevices' on macOS and Windows) deletes every
// registered video driver, theirs included, and they must come back.
//
// mu serialises everything that changes a driver's state: listing (which
// opens closed drivers to ask for their formats), opening, closing and
// re-discovery. mediadevices' drivers keep their open/closed state
// without locking, so without it the device watcher could open a camera
// for a moment just as the user opens it, and one of them would fail.
var registry struct {
	mu      sync.Mutex
	virtual []virtualDevice
}

type virtualDevice struct {
	adapter driver.Adapter
	info    driver.Info
}

// RegisterVirtual registers a device that no platform driver discovers
// (such as a test camera) with mediadevices' driver manager and keeps it
// registered across re-discovery. Its info.Name is its stable Name.
func RegisterVirtual(a driver.Adapter, info driver.Info) error {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	registry.virtual = append(registry.virtual, virtualDevice{a, info})
	return driver.GetManager().Register(a, info)
}

// reregisterVirtual puts back the virtual devices of one type after a
// platform driver cleared them. Call with registry.mu held.
func reregisterVirtual(t driver.DeviceType) {
	m := driver.GetManager()
	present := map[driver.Info]bool{}
	for _, d := range m.Query(driver.FilterDeviceType(t)) {
		present[d.Info()] = true
	}
	for _, v := range registry.virtual {
		if v.info.DeviceType == t && !present[v.info] {
			_ = m.Register(v.adapter, v.info) // Register never fails
		}
	}
}

// recorderOf returns the undecoded side of a camera driver that is one of
// Parley's own (a virtual camera's adapter, or on Linux a V4L2 camera), or
// nil for mediadevices' drivers. mediadevices' manager hides an adapter
// behind its driver wrapper, so it is looked up. Call with registry.mu
// held.
func recorderOf(d driver.Driver) captured.Recorder {
	for _, v := range registry.virtual {
		if v.info == d.Info() {
			r, _ := v.adapter.(captured.Recorder)
			return r
		}
	}
	return platformRecorder(d)
}

// virtualAdapter is the adapter of the virtual device called name, or nil.
// Call with registry.mu held.
func virtualAdapter(name string) driver.Adapter {
	for _, v := range registry.virtual {
		if v.info.Name == name {
			return v.adapter
		}
	}
	return nil
}
