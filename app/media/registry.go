package media

import (
	"sync"

	"github.com/pion/mediadevices/pkg/driver"
)

// registry remembers the devices Parley registers itself (the test
// devices), because re-discovering cameras with mediadevices' driver
// (camera.Initialize) deletes every registered video driver, theirs
// included, and they must come back. mu also keeps listing and opening
// from seeing the manager half-way through a re-discovery.
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
