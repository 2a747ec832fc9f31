//go:build linux

package v4l2

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/blackjack/webcam"
	"github.com/parleyhq/parley/app/media/captured"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

const (
	// bufferCount is how many buffers the kernel fills in turn, as in
	// mediadevices: more only adds latency, since a reader that falls
	// behind should see the newest frame, not a queue of old ones.
	bufferCount = 2
	// readTimeout is how long Read waits for a frame, in seconds (the
	// unit WaitForFrame takes), mediadevices' default.
	readTimeout = 5
	// maxEmptyFrames is how many empty buffers in a row Read skips before
	// it gives up: some UVC cameras hand out a few while they settle.
	maxEmptyFrames = 5
)

// Camera is one V4L2 capture node as a mediadevices driver. It hands its
// frames over undecoded (RecordRaw), for app/media's converter; it does
// not decode them itself, so VideoRecord refuses.
//
// Open, Close and RecordRaw may be called from any goroutine; a reader's
// Read from one goroutine at a time, and concurrently with Close.
type Camera struct {
	// Name names the camera in every error; set it before first use.
	Name string
	open Opener

	mu sync.Mutex
	// left is signalled when a reader comes out of WaitForFrame, which it
	// calls without holding mu so that Close need not wait for a frame.
	left sync.Cond
	dev  Device
	rd   *reader // the stream RecordRaw started, until Close
}

// NewCamera makes a camera that opens its device with open each time it
// is opened.
func NewCamera(open Opener) *Camera {
	c := &Camera{open: open}
	c.left.L = &c.mu
	return c
}

func (c *Camera) name() string {
	if c.Name == "" {
		return "v4l2 camera"
	}
	return c.Name
}

// errorf prefixes the camera's name and keeps %w's error reachable, so an
// errno such as EBUSY stays visible to errors.As (app/media's deviceError
// maps it to ErrDeviceBusy).
func (c *Camera) errorf(format string, args ...any) error {
	for i, a := range args {
		if err, ok := a.(error); ok {
			args[i] = recoverErrno(err)
		}
	}
	return fmt.Errorf("camera %q: "+format, append([]any{c.name()}, args...)...)
}

// Open implements driver.Adapter: it opens the device.
func (c *Camera) Open() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dev != nil {
		return c.errorf("already open")
	}
	dev, err := c.open()
	if err != nil {
		return c.errorf("open: %w", err)
	}
	if err := dev.SetBufferCount(bufferCount); err != nil {
		_ = dev.Close()
		return c.errorf("set buffer count: %w", err)
	}
	c.dev = dev
	return nil
}

// Close implements driver.Adapter: it stops streaming and closes the
// device. A reader waiting in Read wakes with io.EOF. Closing a closed
// camera does nothing.
func (c *Camera) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	dev, r := c.dev, c.rd
	if dev == nil {
		return nil
	}
	// Detached first: a second Close while this one waits below returns
	// at once instead of closing the device twice.
	c.dev, c.rd = nil, nil
	if r != nil {
		r.closed = true
		// Stopping the stream wakes a reader polling in WaitForFrame
		// (videobuf2's poll reports an error on a queue that is not
		// streaming). Its error is of no use: the device is closed next.
		_ = dev.StopStreaming()
		// StopStreaming has unmapped the buffers; a reader copies from
		// them only under mu and after checking closed, so it is safe.
		// The device itself stays open until the reader has left
		// WaitForFrame, so its poll never sees a closed (or reused)
		// descriptor.
		for r.waiting {
			c.left.Wait()
		}
	}
	if err := dev.Close(); err != nil {
		return c.errorf("close: %w", err)
	}
	return nil
}

// VideoRecord implements driver.VideoRecorder only so that mediadevices'
// manager lists the camera as one (driver.FilterVideoRecorder); frames are
// read undecoded with RecordRaw.
func (c *Camera) VideoRecord(prop.Media) (video.Reader, error) {
	return nil, c.errorf("frames are read undecoded with RecordRaw (captured.Recorder), not VideoRecord")
}

// RecordRaw implements captured.Recorder: it sets the mode p asks for and
// starts streaming. The camera must be open.
func (c *Camera) RecordRaw(p prop.Media) (captured.Reader, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dev == nil {
		return nil, c.errorf("not open")
	}
	if c.rd != nil {
		return nil, c.errorf("already streaming")
	}
	fourcc, ok := fourccOf(p.FrameFormat)
	if !ok {
		return nil, c.errorf("pixel format %q is not one the camera driver reads", p.FrameFormat)
	}
	if p.Width <= 0 || p.Height <= 0 {
		return nil, c.errorf("no frame size given (%dx%d)", p.Width, p.Height)
	}
	got, w, h, err := c.dev.SetImageFormat(fourcc, uint32(p.Width), uint32(p.Height))
	if err != nil {
		return nil, c.errorf("set format %s %dx%d: %w", p.FrameFormat, p.Width, p.Height, err)
	}
	// The driver may adjust the mode. Frames are labelled with what it
	// streams, never with what was asked for.
	format, ok := formatOf(got)
	if !ok {
		return nil, c.errorf("asked for %s, the device streams %q instead", p.FrameFormat, fourccString(got))
	}
	width, height := p.Width, p.Height
	if w > 0 && h > 0 {
		width, height = int(w), int(h)
	}
	if p.FrameRate > 0 {
		if err := c.dev.SetFramerate(p.FrameRate); err != nil {
			return nil, c.errorf("set frame rate %g: %w", p.FrameRate, err)
		}
	}
	if err := c.dev.StartStreaming(); err != nil {
		return nil, c.errorf("start streaming: %w", err)
	}
	c.rd = &reader{c: c, dev: c.dev, format: format, width: width, height: height}
	return c.rd, nil
}

// reader is one stream's captured.Reader.
type reader struct {
	c             *Camera
	dev           Device
	format        frame.Format
	width, height int
	buf           []byte // the frame's copy, reused: valid until the next Read

	// Guarded by c.mu.
	closed  bool // Close has stopped the stream
	waiting bool // in WaitForFrame
}

// Read implements captured.Reader: it waits for the next frame and copies
// it out of the device's buffer, which the kernel refills and StopStreaming
// unmaps. Captured is the moment the frame was dequeued.
func (r *reader) Read() (captured.Raw, error) {
	c := r.c
	for range maxEmptyFrames {
		c.mu.Lock()
		if r.closed {
			c.mu.Unlock()
			return captured.Raw{}, io.EOF
		}
		r.waiting = true
		c.mu.Unlock()

		werr := r.dev.WaitForFrame(readTimeout)

		c.mu.Lock()
		r.waiting = false
		c.left.Broadcast()
		if r.closed {
			c.mu.Unlock()
			return captured.Raw{}, io.EOF
		}
		if werr != nil {
			c.mu.Unlock()
			var timeout *webcam.Timeout
			if errors.As(werr, &timeout) {
				return captured.Raw{}, c.errorf("no frame for %d s: %w", readTimeout, werr)
			}
			return captured.Raw{}, c.errorf("wait for frame: %w", werr)
		}
		b, index, err := r.dev.GetFrame()
		at := time.Now()
		if err != nil {
			c.mu.Unlock()
			return captured.Raw{}, c.errorf("read frame: %w", err)
		}
		// Copied before the buffer goes back to the kernel: a 720p YUYV
		// frame costs well under 0.2 ms (Measured: docs/benchmarks.md,
		// "The V4L2 driver's copy").
		r.buf = append(r.buf[:0], b...)
		rerr := r.dev.ReleaseFrame(index)
		c.mu.Unlock()
		if rerr != nil {
			return captured.Raw{}, c.errorf("give back frame buffer: %w", rerr)
		}
		if len(b) == 0 {
			continue
		}
		return captured.Raw{Format: r.format, Width: r.width, Height: r.height, Data: r.buf, Captured: at}, nil
	}
	return captured.Raw{}, c.errorf("%d empty frames in a row", maxEmptyFrames)
}

// recoverErrno gives back the errno that blackjack/webcam flattens into
// a string in StartStreaming ("Failed to map request buffers: device or
// resource busy"), so that a busy or vanished camera is still told apart
// from other failures.
func recoverErrno(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return err
	}
	for _, e := range []syscall.Errno{syscall.EBUSY, syscall.ENODEV, syscall.ENOENT, syscall.ENXIO, syscall.EACCES, syscall.EPERM} {
		if strings.HasSuffix(err.Error(), ": "+e.Error()) {
			return flattened{err, e}
		}
	}
	return err
}

// flattened is an error whose errno survives only in its text.
type flattened struct {
	error
	errno syscall.Errno
}

func (f flattened) Unwrap() []error { return []error{f.error, f.errno} }
