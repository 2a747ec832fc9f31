//go:build linux

package v4l2

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/blackjack/webcam"
	"github.com/pion/mediadevices/pkg/driver"
)

// labelSeparator joins the two halves of a camera's Name and Label, as in
// mediadevices' camera driver (camera.LabelSeparator), which app/media's
// names and saved settings already expect.
const labelSeparator = ";"

// defaultNode is the node the system prefers: it gets PriorityHigh.
const defaultNode = "video0"

// Discover replaces every registered video driver with one Camera per V4L2
// capture node. It deletes them all first, as mediadevices' camera
// Initialize does, so that running it again (hot-plug) leaves no
// duplicates; whoever registered other video drivers registers them
// again (app/media's registry does).
func Discover() {
	discover("/dev", openNode)
}

// openNode opens a device node with blackjack/webcam.
func openNode(path string) (Device, error) {
	w, err := webcam.Open(path)
	if err != nil {
		return nil, err // not w: a nil *Webcam in a Device is not nil
	}
	return w, nil
}

// registered maps the driver ID mediadevices gave each discovered camera
// to the camera, because the manager wraps an adapter in a driver.Driver
// that exposes only Driver and VideoRecorder: RecordRaw is reachable only
// through Lookup.
var registered struct {
	sync.Mutex
	byID map[string]*Camera
}

// Lookup returns the Camera behind a driver that Discover registered.
func Lookup(d driver.Driver) (*Camera, bool) {
	registered.Lock()
	defer registered.Unlock()
	c, ok := registered.byID[d.ID()]
	return c, ok
}

// discover registers the capture nodes under root (normally /dev). A
// camera appears under /dev/v4l/by-id, /dev/v4l/by-path and as
// /dev/videoN; it is registered once, under the first of those names,
// with the real node's name beside it in the Label.
func discover(root string, open func(path string) (Device, error)) {
	m := driver.GetManager()
	for _, d := range m.Query(driver.FilterVideoRecorder()) {
		m.Delete(d.ID())
	}
	registered.Lock()
	defer registered.Unlock()
	registered.byID = map[string]*Camera{}

	seen := map[string]bool{}
	for _, pattern := range []string{"v4l/by-id/*", "v4l/by-path/*", "video*"} {
		paths, _ := filepath.Glob(filepath.Join(root, pattern))
		for _, path := range paths {
			label := filepath.Base(path)
			node := label
			if target, err := os.Readlink(path); err == nil {
				node = filepath.Base(target)
			}
			if seen[node] {
				continue
			}
			seen[node] = true
			card, bus, ok := probe(path, open)
			if !ok {
				continue
			}
			priority := driver.PriorityNormal
			if node == defaultNode {
				priority = driver.PriorityHigh
			}
			info := driver.Info{
				Name:       card + labelSeparator + bus,
				Label:      label + labelSeparator + node,
				DeviceType: driver.Camera,
				Priority:   priority,
			}
			c := NewCamera(func() (Device, error) { return open(path) })
			// Errors name the card and the node a user finds in /dev.
			c.Name = filepath.Join(root, node)
			if card != "" {
				c.Name = fmt.Sprintf("%s (%s)", card, c.Name)
			}
			_ = m.Register(c, info) // Register never fails
			for _, d := range m.Query(func(d driver.Driver) bool { return d.Info() == info }) {
				registered.byID[d.ID()] = c
			}
		}
	}
}

// probe opens a node to learn its card and bus names and whether it
// streams a format the driver reads. A node that does not open is kept,
// as mediadevices keeps it, without names: opening it later says why
// (permission, busy), which is more use to a user than a missing camera.
func probe(path string, open func(string) (Device, error)) (card, bus string, ok bool) {
	dev, err := open(path)
	if err != nil {
		return "", "", true
	}
	defer dev.Close()
	if !hasOurFormat(dev) {
		return "", "", false
	}
	if n, isNamer := dev.(namer); isNamer {
		card, _ = n.GetName()
		bus, _ = n.GetBusInfo()
	}
	return card, bus, true
}

// namer is what *webcam.Webcam says about itself beyond Device.
type namer interface {
	GetName() (string, error)
	GetBusInfo() (string, error)
}

var _ namer = (*webcam.Webcam)(nil)
