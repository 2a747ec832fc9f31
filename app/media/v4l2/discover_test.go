//go:build linux

package v4l2

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/blackjack/webcam"
	"github.com/parleyhq/parley/app/media/captured"
	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/frame"
)

// Discover lists each camera once however many names /dev gives it, skips
// nodes without a format of ours (a UVC camera's metadata node), keeps
// nodes it cannot open, and replaces what was registered before.
func TestDiscover(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"video0", "video1", "video2", "v4l/by-id/", "v4l/by-path/"} {
		p := filepath.Join(root, f)
		if strings.HasSuffix(f, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		"v4l/by-id/usb-Cam-video-index0":            "../../video0",
		"v4l/by-id/usb-Cam-video-index1":            "../../video1",
		"v4l/by-path/pci-0000:00:14.0-video-index0": "../../video0",
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	camera := func() *fakeDevice {
		d := newFake()
		d.card = "Cam"
		d.formats = map[webcam.PixelFormat]string{MJPEG: "Motion-JPEG", h264: "H.264"}
		d.sizes[MJPEG] = []webcam.FrameSize{discrete(1280, 720)}
		return d
	}
	meta := newFake() // formats of no use to us
	meta.formats = map[webcam.PixelFormat]string{h264: "UVC metadata stand-in"}
	var mu sync.Mutex
	opened := map[string]int{}
	open := func(path string) (Device, error) {
		mu.Lock()
		defer mu.Unlock()
		opened[filepath.Base(path)]++
		switch filepath.Base(path) {
		case "usb-Cam-video-index0":
			return camera(), nil
		case "usb-Cam-video-index1":
			return meta, nil
		case "video2":
			return nil, syscall.EACCES
		}
		t.Errorf("opened %s", path)
		return nil, syscall.ENOENT
	}

	m := driver.GetManager()
	_ = m.Register(NewCamera(nil), driver.Info{Label: "stale", DeviceType: driver.Camera})
	for round := range 2 {
		discover(root, open)
		got := map[string]driver.Info{}
		for _, d := range m.Query(driver.FilterVideoRecorder()) {
			got[d.Info().Label] = d.Info()
			if _, ok := Lookup(d); !ok {
				t.Fatalf("round %d: no Camera behind %q", round, d.Info().Label)
			}
			// Why Lookup exists: the manager's wrapper hides RecordRaw.
			if _, ok := d.(captured.Recorder); ok {
				t.Fatalf("the manager's driver is a captured.Recorder now; Lookup is not needed")
			}
		}
		want := map[string]driver.Info{
			"usb-Cam-video-index0;video0": {Name: "Cam;usb-Cam", Label: "usb-Cam-video-index0;video0", DeviceType: driver.Camera, Priority: driver.PriorityHigh},
			"video2;video2":               {Name: ";", Label: "video2;video2", DeviceType: driver.Camera, Priority: driver.PriorityNormal},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: registered\n%v\nwant\n%v", round, got, want)
		}
	}

	// The registered camera opens its node and lists its modes; its
	// errors name the card and the node.
	for _, d := range m.Query(driver.FilterVideoRecorder()) {
		if d.Info().Priority != driver.PriorityHigh {
			continue
		}
		c, _ := Lookup(d)
		if c.Name != "Cam ("+filepath.Join(root, "video0")+")" {
			t.Fatalf("camera name %q", c.Name)
		}
		if err := d.Open(); err != nil {
			t.Fatal(err)
		}
		props := d.Properties()
		_ = d.Close()
		if len(props) != 1 || props[0].FrameFormat != frame.FormatMJPEG || props[0].Width != 1280 {
			t.Fatalf("properties %v", props)
		}
	}
	for _, d := range m.Query(driver.FilterVideoRecorder()) {
		m.Delete(d.ID())
	}
}
