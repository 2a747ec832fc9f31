package media

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/pion/mediadevices/pkg/driver/availability"
)

func TestDriverErrorsAreClassified(t *testing.T) {
	for _, c := range []struct {
		cause error
		want  error
	}{
		{syscall.EBUSY, ErrDeviceBusy},
		{fmt.Errorf("open /dev/video0: %w", syscall.EBUSY), ErrDeviceBusy},
		{availability.ErrBusy, ErrDeviceBusy},
		{syscall.ENODEV, ErrDeviceGone},
		{syscall.ENOENT, ErrDeviceGone},
		{availability.ErrNoDevice, ErrDeviceGone},
		{syscall.EACCES, ErrPermissionDenied},
		{syscall.EPERM, ErrPermissionDenied},
		{errors.New("read timeout"), ErrDeviceFailed},
	} {
		err := deviceError(Camera, "Cam;usb-1", c.cause)
		var de *DeviceError
		if !errors.As(err, &de) || !errors.Is(err, c.want) || !errors.Is(err, c.cause) {
			t.Errorf("%v: got %v, want %v wrapping the cause", c.cause, err, c.want)
			continue
		}
		if !strings.Contains(err.Error(), `"Cam;usb-1"`) || !strings.Contains(err.Error(), c.cause.Error()) {
			t.Errorf("message %q lacks the device or the cause", err)
		}
	}
	if deviceError(Camera, "x", nil) != nil {
		t.Error("nil cause made an error")
	}
	inner := &DeviceError{Kind: Microphone, Device: "m", Err: ErrDeviceGone}
	if got := deviceError(Camera, "x", inner); got != error(inner) {
		t.Errorf("a DeviceError was wrapped again: %v", got)
	}
	if msg := (&DeviceError{Kind: Microphone, Err: ErrNoMicrophone}).Error(); msg != "no microphone found" {
		t.Errorf("message %q", msg)
	}
	if msg := (&DeviceError{Kind: Camera, Device: "Cam", Err: ErrNoCamera}).Error(); msg != `Camera "Cam" not found` {
		t.Errorf("message %q", msg)
	}
}
