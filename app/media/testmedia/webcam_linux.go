//go:build linux

package testmedia

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"
	"time"

	"github.com/blackjack/webcam"
	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/stamp"
	"github.com/parleyhq/parley/app/media/v4l2"
	"github.com/parleyhq/parley/app/media/yuv"
	"github.com/pion/mediadevices/pkg/driver"
)

// webcamMode is one format, size and rate a webcam-like camera offers.
type webcamMode struct {
	format webcam.PixelFormat
	w, h   int
	fps    float32
}

// webcamModes are what a typical USB 2 UVC webcam lists: raw YUYV only
// at sizes the bus can carry (720p at 10 fps), MJPEG for 720p and 1080p
// at 30.
var webcamModes = []webcamMode{
	{v4l2.YUYV, 640, 480, 30},
	{v4l2.YUYV, 1280, 720, 10},
	{v4l2.MJPEG, 1280, 720, 30},
	{v4l2.MJPEG, 1920, 1080, 30},
}

// webcamLoop is how many MJPEG pictures a webcam-like camera encodes
// before it plays them again, with only the stamp rows encoded anew each
// frame (see uvcDevice.mjpeg). Encoding every frame whole would charge
// the receiving side's CPU figures for work a webcam's own chip does; a
// loop of 64 frames is 2 s, one full scroll of test camera A's texture.
const webcamLoop = 64

// loops caches each camera's encoded loop, per size and with or without
// Huffman tables, for the life of the
// process, as renderers caches the textures.
var loops struct {
	sync.Mutex
	m map[[4]int][]jpegFrame
}

func loopFor(camera uint8, w, h int, dht bool) []jpegFrame {
	loops.Lock()
	defer loops.Unlock()
	key := [4]int{int(camera), w, h, 0}
	if dht {
		key[3] = 1
	}
	if l, ok := loops.m[key]; ok {
		return l
	}
	if loops.m == nil {
		loops.m = map[[4]int][]jpegFrame{}
	}
	l := make([]jpegFrame, webcamLoop)
	loops.m[key] = l
	return l
}

// uvcDevice is a webcam-like test camera seen through the v4l2.Device
// interface: Parley's V4L2 driver lists its modes, opens and reads it as
// it does a real webcam, and its frames are MJPEG (4:2:2 baseline, with
// or without Huffman tables) or YUYV bytes that take the real conversion
// path. Each frame carries the test pattern and stamp of camera id.
type uvcDevice struct {
	id  uint8
	dht bool // the MJPEG frames carry their Huffman tables

	mu        sync.Mutex // guards everything below against Close
	mode      webcamMode
	ctx       context.Context
	cancel    context.CancelFunc
	pace      *pacer
	seq       uint32
	captured  time.Time // when the waiting frame was released
	gen       *Generator
	img       *image.YCbCr // the picture being rendered, reused
	loop      []jpegFrame
	scratch   []byte // chroma for the encoder
	out       []byte // the frame GetFrame returns, reused as a driver's buffer is
	closed    bool
	streaming bool
}

func newUVCDevice(id uint8, dht bool) *uvcDevice {
	return &uvcDevice{id: id, dht: dht, mode: webcamModes[2]}
}

var errWebcamClosed = errors.New("testmedia: webcam is closed")

// GetSupportedFormats implements v4l2.Device.
func (d *uvcDevice) GetSupportedFormats() map[webcam.PixelFormat]string {
	return map[webcam.PixelFormat]string{v4l2.MJPEG: "Motion-JPEG", v4l2.YUYV: "YUYV 4:2:2"}
}

// GetSupportedFrameSizes implements v4l2.Device: discrete sizes.
func (d *uvcDevice) GetSupportedFrameSizes(f webcam.PixelFormat) []webcam.FrameSize {
	var out []webcam.FrameSize
	for _, m := range webcamModes {
		if m.format == f {
			out = append(out, webcam.FrameSize{MinWidth: uint32(m.w), MaxWidth: uint32(m.w), MinHeight: uint32(m.h), MaxHeight: uint32(m.h)})
		}
	}
	return out
}

// GetSupportedFramerates implements v4l2.Device: one discrete interval
// (seconds per frame) per mode.
func (d *uvcDevice) GetSupportedFramerates(f webcam.PixelFormat, w, h uint32) []webcam.FrameRate {
	for _, m := range webcamModes {
		if m.format == f && m.w == int(w) && m.h == int(h) {
			return []webcam.FrameRate{{MinNumerator: 1, MaxNumerator: 1, MinDenominator: uint32(m.fps), MaxDenominator: uint32(m.fps)}}
		}
	}
	return nil
}

// SetImageFormat implements v4l2.Device. Like a V4L2 driver it adjusts
// a size it lacks to the nearest one of that format, and reports it.
func (d *uvcDevice) SetImageFormat(f webcam.PixelFormat, w, h uint32) (webcam.PixelFormat, uint32, uint32, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.streaming {
		return 0, 0, 0, errors.New("testmedia: webcam is streaming (EBUSY)")
	}
	best, dist := -1, 0
	for i, m := range webcamModes {
		if m.format != f {
			continue
		}
		dd := abs(m.w-int(w)) + abs(m.h-int(h))
		if best < 0 || dd < dist {
			best, dist = i, dd
		}
	}
	if best < 0 {
		return 0, 0, 0, fmt.Errorf("testmedia: webcam has no format %v", f)
	}
	d.mode = webcamModes[best]
	return f, uint32(d.mode.w), uint32(d.mode.h), nil
}

// SetFramerate implements v4l2.Device; each mode has one rate, which it
// keeps, as a UVC camera does for a rate it lacks.
func (d *uvcDevice) SetFramerate(float32) error { return nil }

// SetBufferCount implements v4l2.Device.
func (d *uvcDevice) SetBufferCount(uint32) error { return nil }

// StartStreaming implements v4l2.Device.
func (d *uvcDevice) StartStreaming() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errWebcamClosed
	}
	g, err := NewGenerator(d.id, d.mode.w, d.mode.h)
	if err != nil {
		return err
	}
	d.gen, d.img = g, g.r.blank()
	if d.mode.format == v4l2.MJPEG {
		d.loop = loopFor(d.id, d.mode.w, d.mode.h, d.dht)
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	d.pace = newPacer(d.ctx, time.Duration(float64(time.Second)/float64(d.mode.fps)*(1+ClockSkew)), 0)
	d.seq, d.streaming = 0, true
	return nil
}

// WaitForFrame implements v4l2.Device: it returns when the next frame is
// due. The timeout never passes, since the camera keeps its pace.
func (d *uvcDevice) WaitForFrame(uint32) error {
	d.mu.Lock()
	pace := d.pace
	d.mu.Unlock()
	if pace == nil {
		return errors.New("testmedia: webcam is not streaming")
	}
	at, ok := pace.wait()
	if !ok {
		return errWebcamClosed
	}
	d.mu.Lock()
	d.captured = at
	d.mu.Unlock()
	return nil
}

// GetFrame implements v4l2.Device: the frame that WaitForFrame said was
// due, in the streaming format, in the camera's one buffer (index 0),
// which the next call reuses.
func (d *uvcDevice) GetFrame() ([]byte, uint32, error) {
	b, err := d.frame()
	return b, 0, err
}

// ReleaseFrame implements v4l2.Device: the one buffer is always free.
func (d *uvcDevice) ReleaseFrame(uint32) error { return nil }

// frame makes the frame that WaitForFrame said was due.
func (d *uvcDevice) frame() ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.streaming {
		return nil, errors.New("testmedia: webcam is not streaming")
	}
	seq := d.seq
	d.seq++
	var err error
	switch d.mode.format {
	case v4l2.MJPEG:
		d.out, err = d.mjpeg(seq)
	default:
		d.gen.frameInto(d.img, seq, d.captured)
		d.out, err = yuv.I420ToYUYV(d.out, &frames.Frame{Width: d.mode.w, Height: d.mode.h, Y: d.img.Y, U: d.img.Cb, V: d.img.Cr})
	}
	return d.out, err
}

// mjpeg returns frame seq: picture seq mod webcamLoop, encoded once per
// process, with its top MCU rows replaced by the stamp rows of this
// frame, encoded now.
func (d *uvcDevice) mjpeg(seq uint32) ([]byte, error) {
	k := seq % webcamLoop
	d.gen.r.renderInto(d.img, k)
	loops.Lock()
	pic := d.loop[k]
	loops.Unlock()
	if pic.head == nil {
		var err error
		if pic, d.scratch, err = encode422(d.img, webcamQuality, d.scratch); err != nil {
			return nil, err
		}
		if !d.dht {
			pic.head = withoutHuffmanTables(pic.head)
		}
		loops.Lock()
		d.loop[k] = pic
		loops.Unlock()
	}
	_ = stamp.Encode(d.img.Y, d.mode.w, d.mode.h, d.img.YStride, stamp.Code{Camera: d.id, Seq: seq, CapturedMS: d.captured.UnixMilli()})
	band := (stamp.Height(d.mode.w) + 7) / 8 * 8
	top, scratch, err := encode422(d.img.SubImage(image.Rect(0, 0, d.mode.w, band)).(*image.YCbCr), webcamQuality, d.scratch)
	d.scratch = scratch
	if err != nil {
		return nil, err
	}
	return splice(d.out, pic.head, top.rows, pic.rows), nil
}

// StopStreaming implements v4l2.Device.
func (d *uvcDevice) StopStreaming() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cancel != nil {
		d.cancel()
	}
	d.streaming, d.pace = false, nil
	return nil
}

// Close implements v4l2.Device.
func (d *uvcDevice) Close() error {
	_ = d.StopStreaming()
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	return nil
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// WebcamFrame returns frame seq of webcam-like camera CameraAID or
// CameraBID in format (v4l2.MJPEG, with or without Huffman tables, or
// v4l2.YUYV) at one of its sizes, captured at, without pacing: for tests
// and benchmarks of the conversion path.
func WebcamFrame(camera uint8, format webcam.PixelFormat, w, h int, seq uint32, tables bool, at time.Time) ([]byte, error) {
	d := newUVCDevice(camera, tables)
	if _, gw, gh, err := d.SetImageFormat(format, uint32(w), uint32(h)); err != nil || int(gw) != w || int(gh) != h {
		return nil, fmt.Errorf("testmedia: the webcam has no %dx%d in that format (%v)", w, h, err)
	}
	if err := d.StartStreaming(); err != nil {
		return nil, err
	}
	defer d.Close()
	d.seq, d.captured = seq, at
	b, err := d.frame()
	return append([]byte(nil), b...), err
}

var webcamsOnce sync.Once

// RegisterWebcams adds the webcam-like cameras, served by Parley's V4L2
// driver as a real webcam is, and the test tone (--fake-webcam). Calling
// it again does nothing.
func RegisterWebcams() error {
	webcamsOnce.Do(func() {
		for _, c := range []struct {
			id     uint8
			name   string
			tables bool
		}{{CameraAID, WebcamA, false}, {CameraBID, WebcamB, true}} {
			cam := v4l2.NewCamera(func() (v4l2.Device, error) { return newUVCDevice(c.id, c.tables), nil })
			_ = media.RegisterVirtual(cam, driver.Info{Label: c.name, Name: c.name, DeviceType: driver.Camera, Priority: priority})
		}
		registerTone()
	})
	return nil
}
