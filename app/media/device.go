package media

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/parleyhq/parley/app/media/mic"
	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/prop"
)

// Kind is what a device captures.
type Kind string

// Device kinds.
const (
	Camera     Kind = "camera"
	Microphone Kind = "microphone"
)

func (k Kind) noun() string {
	if k == Microphone {
		return "Microphone"
	}
	return "Camera"
}

// Format is one capture mode a camera offers. FPS is 0 when the driver
// does not say. PixelFormat is mediadevices' frame format name (I420,
// NV12, YUYV, UYVY, MJPEG, ...).
type Format struct {
	Width, Height int
	FPS           float32
	PixelFormat   string
}

// Device is a camera or microphone as the settings menu shows it.
type Device struct {
	Kind Kind
	// Name is the device's identity across runs and the key requests use:
	// the driver's readable name (for v4l2 "card;bus", for example
	// "Integrated Camera: Integrated C;usb-0000:00:14.0-8"), never
	// mediadevices' per-run random ID. Two devices with the same name get
	// " #2", " #3" appended in a stable order.
	Name string
	// Label is the part of Name a person wants to read.
	Label string
	// Formats the device offers; empty for microphones (Parley always
	// captures them at 48 kHz).
	Formats []Format
	// Default marks the device the system prefers (at most one per kind).
	Default bool
}

// Cameras lists the cameras, the system's preferred one first. A camera
// that cannot say what it offers (busy elsewhere, for example) is listed
// without formats.
func Cameras() ([]Device, error) {
	return list(Camera), nil
}

// Microphones lists the microphones, the system's preferred one first.
// When the audio system cannot start, the list has only virtual devices
// (if any) and the error is a *DeviceError wrapping ErrNoMicrophone and
// mic.ErrNoAudioSystem.
func Microphones() ([]Device, error) {
	err := startMicrophones()
	return list(Microphone), err
}

// micState remembers the outcome of starting Parley's microphone driver.
// It starts on first need rather than at program start (starting the
// audio system takes time a process that never captures should not pay),
// and only Watch retries after a failure, so listing stays cheap on a
// machine without audio.
var micState struct {
	sync.Mutex
	tried bool
	err   error
}

func startMicrophones() error {
	micState.Lock()
	defer micState.Unlock()
	if !micState.tried {
		micState.tried = true
		micState.err = discoverMicrophones()
	}
	return micState.err
}

// refreshMicrophones re-enumerates microphones (hot-plug) and retries a
// failed start.
func refreshMicrophones() {
	micState.Lock()
	defer micState.Unlock()
	micState.tried = true
	micState.err = discoverMicrophones()
}

func discoverMicrophones() error {
	if err := mic.Discover(); err != nil {
		return &DeviceError{Kind: Microphone, Err: ErrNoMicrophone, Cause: err}
	}
	return nil
}

// entry is a device together with the driver that serves it now.
type entry struct {
	Device
	drv driver.Driver
}

func filterFor(kind Kind) driver.FilterFn {
	if kind == Microphone {
		return driver.FilterAudioRecorder()
	}
	return driver.FilterAnd(driver.FilterVideoRecorder(), driver.FilterNot(driver.FilterDeviceType(driver.Screen)))
}

func list(kind Kind) []Device {
	registry.mu.Lock()
	es := entries(kind, true)
	registry.mu.Unlock()
	out := make([]Device, len(es))
	for i, e := range es {
		out[i] = e.Device
	}
	return out
}

// entries queries the driver manager and gives every driver its stable
// name, in a stable order: higher priority first, then by name. With
// withFormats it also asks every camera for its formats, which opens each
// closed one; call with registry.mu held.
func entries(kind Kind, withFormats bool) []entry {
	drivers := driver.GetManager().Query(filterFor(kind))
	sort.SliceStable(drivers, func(i, j int) bool {
		a, b := drivers[i].Info(), drivers[j].Info()
		if a.Priority != b.Priority {
			return a.Priority > b.Priority
		}
		if na, nb := baseName(a), baseName(b); na != nb {
			return na < nb
		}
		return a.Label < b.Label
	})
	seen := map[string]int{}
	out := make([]entry, 0, len(drivers))
	for i, d := range drivers {
		name := baseName(d.Info())
		seen[name]++
		if n := seen[name]; n > 1 {
			name = fmt.Sprintf("%s #%d", name, n)
		}
		e := entry{drv: d, Device: Device{Kind: kind, Name: name, Label: label(name), Default: i == 0}}
		if kind == Camera && withFormats {
			e.Formats = formatsOf(d)
		}
		out = append(out, e)
	}
	return out
}

// baseName is the driver's readable name, or its label when it has none
// (mediadevices' own test drivers set only a label).
func baseName(info driver.Info) string {
	if info.Name != "" && info.Name != ";" {
		return info.Name
	}
	return info.Label
}

// label drops the bus part of a v4l2 name ("card;bus").
func label(name string) string {
	if i := strings.Index(name, ";"); i > 0 {
		return name[:i]
	}
	return name
}

// properties asks a driver what it offers. The v4l2 driver can only answer
// while open, so a closed driver is opened for the question and closed
// again; a driver in use answers directly.
func properties(d driver.Driver) ([]prop.Media, error) {
	if d.Status() != driver.StateClosed {
		return d.Properties(), nil
	}
	if err := d.Open(); err != nil {
		return nil, err
	}
	defer d.Close()
	return d.Properties(), nil
}

func formatsOf(d driver.Driver) []Format {
	props, err := properties(d)
	if err != nil {
		return nil
	}
	seen := map[Format]bool{}
	var out []Format
	for _, p := range props {
		f := Format{Width: p.Width, Height: p.Height, FPS: p.FrameRate, PixelFormat: string(p.FrameFormat)}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Width*a.Height != b.Width*b.Height {
			return a.Width*a.Height > b.Width*b.Height
		}
		if a.FPS != b.FPS {
			return a.FPS > b.FPS
		}
		return a.PixelFormat < b.PixelFormat
	})
	return out
}

// find returns the device with the given name ("" = the first). Call
// with registry.mu held.
func find(kind Kind, name string) (entry, error) {
	if kind == Microphone {
		_ = startMicrophones() // virtual microphones may exist regardless
	}
	es := entries(kind, false)
	missing := ErrNoCamera
	if kind == Microphone {
		missing = ErrNoMicrophone
	}
	if len(es) == 0 {
		return entry{}, &DeviceError{Kind: kind, Device: name, Err: missing}
	}
	if name == "" {
		return es[0], nil
	}
	for _, e := range es {
		if e.Name == name {
			return e, nil
		}
	}
	return entry{}, &DeviceError{Kind: kind, Device: name, Err: missing}
}
