package media

import (
	"testing"

	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

// stillCamera is the least adapter the driver manager accepts.
type stillCamera struct{}

func (stillCamera) Open() error              { return nil }
func (stillCamera) Close() error             { return nil }
func (stillCamera) Properties() []prop.Media { return nil }
func (stillCamera) VideoRecord(prop.Media) (video.Reader, error) {
	return nil, ErrDeviceFailed
}

// Camera re-discovery (discoverCameras) deletes every video driver;
// virtual devices come back, once each.
func TestRediscoveryKeepsVirtualDevices(t *testing.T) {
	const name = "Parley Watch Test Camera"
	if err := RegisterVirtual(stillCamera{}, driver.Info{Label: name, Name: name, DeviceType: driver.Camera}); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ {
		rediscoverCameras()
		n := 0
		for _, d := range list(Camera) {
			if d.Name == name || d.Name == name+" #2" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("round %d: %d copies of the virtual camera after re-discovery", round, n)
		}
	}
}
