package media

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/pion/mediadevices/pkg/driver/availability"
)

// Sentinel errors the UI can act on. Every error this package returns for
// a device problem is a *DeviceError wrapping one of them, so
// errors.Is(err, ErrDeviceBusy) works and the message names the device.
var (
	ErrNoCamera         = errors.New("no camera found")
	ErrNoMicrophone     = errors.New("no microphone found")
	ErrDeviceBusy       = errors.New("device is in use by another application")
	ErrDeviceGone       = errors.New("device was disconnected")
	ErrPermissionDenied = errors.New("permission to use the device was denied")
	// ErrDeviceFailed covers a driver failure none of the others describe.
	ErrDeviceFailed = errors.New("device failed")
)

// DeviceError says which device failed and why.
type DeviceError struct {
	Kind   Kind
	Device string // Device.Name; "" when no device was found at all
	Err    error  // one of the sentinel errors above
	Cause  error  // the driver's own error, if any
}

// Error is a sentence a user can read.
func (e *DeviceError) Error() string {
	var msg string
	switch {
	case e.Device == "":
		msg = e.Err.Error()
	case errors.Is(e.Err, ErrNoCamera), errors.Is(e.Err, ErrNoMicrophone):
		msg = fmt.Sprintf("%s %q not found", e.Kind.noun(), e.Device)
	default:
		msg = fmt.Sprintf("%s %q: %s", e.Kind.noun(), e.Device, e.Err)
	}
	if e.Cause != nil {
		msg += " (" + e.Cause.Error() + ")"
	}
	return msg
}

// Unwrap gives errors.Is and errors.As both the sentinel and the cause.
func (e *DeviceError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

// deviceError classifies a driver error into a *DeviceError.
func deviceError(kind Kind, device string, cause error) error {
	if cause == nil {
		return nil
	}
	var de *DeviceError
	if errors.As(cause, &de) {
		return cause
	}
	return &DeviceError{Kind: kind, Device: device, Err: classify(cause), Cause: cause}
}

func classify(err error) error {
	var errno syscall.Errno
	switch {
	case errors.Is(err, availability.ErrBusy), errors.As(err, &errno) && errno == syscall.EBUSY:
		return ErrDeviceBusy
	case errors.Is(err, availability.ErrNoDevice),
		errors.As(err, &errno) && (errno == syscall.ENODEV || errno == syscall.ENOENT || errno == syscall.ENXIO):
		return ErrDeviceGone
	case errors.As(err, &errno) && (errno == syscall.EACCES || errno == syscall.EPERM):
		return ErrPermissionDenied
	}
	return ErrDeviceFailed
}
