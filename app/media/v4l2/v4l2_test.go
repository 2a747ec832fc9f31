//go:build linux

package v4l2

import (
	"errors"
	"io"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/blackjack/webcam"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/prop"
)

const h264 = webcam.PixelFormat('H' | '2'<<8 | '6'<<16 | '4'<<24)

// fakeDevice behaves as a V4L2 node does towards the driver: it lists
// modes, sends the frames given to it on frames (nil is an empty buffer)
// through one buffer of its own that it overwrites, as the kernel's mmap
// buffers are, and wakes a waiting WaitForFrame when streaming stops.
type fakeDevice struct {
	formats map[webcam.PixelFormat]string
	sizes   map[webcam.PixelFormat][]webcam.FrameSize
	rates   func(f webcam.PixelFormat, w, h uint32) []webcam.FrameRate
	card    string
	// answer, when set, is the mode SetImageFormat reports instead of
	// the one asked for.
	answer      func(f webcam.PixelFormat, w, h uint32) (webcam.PixelFormat, uint32, uint32)
	startErr    error
	waitTimeout time.Duration // how long WaitForFrame waits for a frame
	frames      chan []byte
	inWait      chan struct{} // receives when WaitForFrame starts waiting

	mu         sync.Mutex
	stop       chan struct{} // closed by StopStreaming
	streaming  bool
	waiting    int
	closes     int
	closedBusy bool // Close came while a WaitForFrame was in progress
	pending    []byte
	buf        []byte
	bufCount   uint32
	setFormat  [3]uint32
	setFPS     float32
	waitArg    uint32
}

func newFake() *fakeDevice {
	return &fakeDevice{
		formats:     map[webcam.PixelFormat]string{},
		sizes:       map[webcam.PixelFormat][]webcam.FrameSize{},
		rates:       func(webcam.PixelFormat, uint32, uint32) []webcam.FrameRate { return nil },
		waitTimeout: time.Minute,
		frames:      make(chan []byte, 16),
		inWait:      make(chan struct{}, 16),
		stop:        make(chan struct{}),
	}
}

func (d *fakeDevice) GetSupportedFormats() map[webcam.PixelFormat]string { return d.formats }
func (d *fakeDevice) GetSupportedFrameSizes(f webcam.PixelFormat) []webcam.FrameSize {
	return d.sizes[f]
}
func (d *fakeDevice) GetSupportedFramerates(f webcam.PixelFormat, w, h uint32) []webcam.FrameRate {
	return d.rates(f, w, h)
}
func (d *fakeDevice) GetName() (string, error)    { return d.card, nil }
func (d *fakeDevice) GetBusInfo() (string, error) { return "usb-" + d.card, nil }

func (d *fakeDevice) SetImageFormat(f webcam.PixelFormat, w, h uint32) (webcam.PixelFormat, uint32, uint32, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.setFormat = [3]uint32{uint32(f), w, h}
	if d.answer != nil {
		f, w, h = d.answer(f, w, h)
	}
	return f, w, h, nil
}

func (d *fakeDevice) SetFramerate(fps float32) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.setFPS = fps
	return nil
}

func (d *fakeDevice) SetBufferCount(n uint32) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.bufCount = n
	return nil
}

func (d *fakeDevice) StartStreaming() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.startErr != nil {
		return d.startErr
	}
	d.streaming = true
	return nil
}

func (d *fakeDevice) WaitForFrame(timeout uint32) error {
	d.mu.Lock()
	d.waitArg = timeout
	if !d.streaming {
		d.mu.Unlock()
		return nil // a real node's poll reports POLLERR at once
	}
	d.waiting++
	stop := d.stop
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.waiting--
		d.mu.Unlock()
	}()
	d.inWait <- struct{}{}
	select {
	case f := <-d.frames:
		d.mu.Lock()
		d.pending = f
		d.mu.Unlock()
		return nil
	case <-stop:
		return nil
	case <-time.After(d.waitTimeout):
		return &webcam.Timeout{}
	}
}

func (d *fakeDevice) GetFrame() ([]byte, uint32, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.streaming {
		return nil, 0, syscall.EINVAL
	}
	d.buf = append(d.buf[:0], d.pending...)
	return d.buf, 0, nil
}

func (d *fakeDevice) ReleaseFrame(uint32) error { return nil }

func (d *fakeDevice) StopStreaming() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.streaming {
		return errors.New("not streaming")
	}
	d.streaming = false
	close(d.stop)
	return nil
}

func (d *fakeDevice) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closes++
	if d.waiting > 0 {
		d.closedBusy = true
	}
	return nil
}

func discrete(w, h uint32) webcam.FrameSize {
	return webcam.FrameSize{MinWidth: w, MaxWidth: w, MinHeight: h, MaxHeight: h}
}

func interval(num, den uint32) webcam.FrameRate {
	return webcam.FrameRate{MinNumerator: num, MaxNumerator: num, MinDenominator: den, MaxDenominator: den}
}

func mode(f frame.Format, w, h int, fps float32) prop.Media {
	return prop.Media{Video: prop.Video{Width: w, Height: h, FrameFormat: f, FrameRate: fps}}
}

func openCamera(t *testing.T, d *fakeDevice) *Camera {
	t.Helper()
	c := NewCamera(func() (Device, error) { return d, nil })
	c.Name = "Test Cam (/dev/video9)"
	if err := c.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestPropertiesDiscrete(t *testing.T) {
	d := newFake()
	d.formats = map[webcam.PixelFormat]string{MJPEG: "Motion-JPEG", YUYV: "YUYV 4:2:2", h264: "H.264"}
	d.sizes[MJPEG] = []webcam.FrameSize{discrete(1280, 720), discrete(1920, 1080)}
	d.sizes[YUYV] = []webcam.FrameSize{discrete(640, 480)}
	d.sizes[h264] = []webcam.FrameSize{discrete(1920, 1080)}
	d.rates = func(f webcam.PixelFormat, w, h uint32) []webcam.FrameRate {
		switch {
		case f == MJPEG && w == 1280:
			return []webcam.FrameRate{interval(1, 30), interval(1001, 30000), interval(1, 15)}
		case f == MJPEG && w == 1920:
			return []webcam.FrameRate{interval(1, 30), interval(2, 60)} // the same rate twice
		case f == h264:
			return []webcam.FrameRate{interval(1, 30)}
		}
		return nil // YUYV: a size without rates
	}
	c := openCamera(t, d)
	want := []prop.Media{
		mode(frame.FormatMJPEG, 1280, 720, 30),
		mode(frame.FormatMJPEG, 1280, 720, 29.97),
		mode(frame.FormatMJPEG, 1280, 720, 15),
		mode(frame.FormatMJPEG, 1920, 1080, 30),
		mode(frame.FormatYUYV, 640, 480, 0),
	}
	if got := c.Properties(); !reflect.DeepEqual(got, want) {
		t.Fatalf("properties:\n got %v\nwant %v", got, want)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if got := c.Properties(); got != nil {
		t.Fatalf("a closed camera lists %v", got)
	}
}

func TestPropertiesStepwise(t *testing.T) {
	d := newFake()
	d.formats = map[webcam.PixelFormat]string{YUYV: "YUYV 4:2:2"}
	d.sizes[YUYV] = []webcam.FrameSize{{
		MinWidth: 160, MaxWidth: 1280, StepWidth: 8,
		MinHeight: 120, MaxHeight: 720, StepHeight: 8,
	}}
	d.rates = func(f webcam.PixelFormat, w, h uint32) []webcam.FrameRate {
		if w == 1280 {
			// A continuous range in UVC's 100 ns units: 30 to 5 fps.
			return []webcam.FrameRate{{
				MinNumerator: 333333, MaxNumerator: 2000000, StepNumerator: 1,
				MinDenominator: 10000000, MaxDenominator: 10000000, StepDenominator: 1,
			}}
		}
		// 1/30, 2/30, 3/30 s.
		return []webcam.FrameRate{{
			MinNumerator: 1, MaxNumerator: 3, StepNumerator: 1,
			MinDenominator: 30, MaxDenominator: 30,
		}}
	}
	c := openCamera(t, d)
	var want []prop.Media
	// The common sizes inside the range, on its 8-pixel grid (854×480 is
	// not), in the common list's order.
	for _, s := range [][2]int{{320, 240}, {640, 480}, {768, 576}, {800, 600}, {320, 200}, {800, 480}, {1024, 600}} {
		for _, fps := range []float32{30, 15, 10} {
			want = append(want, mode(frame.FormatYUYV, s[0], s[1], fps))
		}
	}
	for _, fps := range commonRates[2:] { // 30 down to 5
		want = append(want, mode(frame.FormatYUYV, 1280, 720, fps))
	}
	if got := c.Properties(); !reflect.DeepEqual(got, want) {
		t.Fatalf("properties:\n got %v\nwant %v", got, want)
	}
}

// An interval range with one step zero would never end in mediadevices'
// loop; here it yields the values of the other.
func TestRatesOneStepZero(t *testing.T) {
	got := ratesOf([]webcam.FrameRate{{
		MinNumerator: 1, MaxNumerator: 1,
		MinDenominator: 10, MaxDenominator: 12, StepDenominator: 1,
	}})
	if want := []float32{10, 11, 12}; !reflect.DeepEqual(got, want) {
		t.Fatalf("rates %v, want %v", got, want)
	}
}

func TestRecordRawStreamsCopies(t *testing.T) {
	d := newFake()
	c := openCamera(t, d)
	if d.bufCount != bufferCount {
		t.Fatalf("buffer count %d, want %d", d.bufCount, bufferCount)
	}
	r, err := c.RecordRaw(mode(frame.FormatYUYV, 640, 480, 30))
	if err != nil {
		t.Fatal(err)
	}
	if want := [3]uint32{uint32(YUYV), 640, 480}; d.setFormat != want || d.setFPS != 30 {
		t.Fatalf("set format %v at %g fps, want %v at 30", d.setFormat, d.setFPS, want)
	}
	if _, err := c.RecordRaw(mode(frame.FormatYUYV, 640, 480, 30)); err == nil {
		t.Fatal("a second RecordRaw while streaming succeeded")
	}

	d.frames <- nil // empty buffers are skipped
	d.frames <- []byte{}
	d.frames <- []byte{1, 2, 3, 4}
	before := time.Now()
	raw, err := r.Read()
	after := time.Now()
	if err != nil {
		t.Fatal(err)
	}
	if raw.Format != frame.FormatYUYV || raw.Width != 640 || raw.Height != 480 || string(raw.Data) != "\x01\x02\x03\x04" {
		t.Fatalf("read %s %dx%d %v", raw.Format, raw.Width, raw.Height, raw.Data)
	}
	if raw.Captured.Before(before) || raw.Captured.After(after) {
		t.Fatalf("captured at %v, not during Read (%v to %v)", raw.Captured, before, after)
	}
	if d.waitArg != readTimeout {
		t.Fatalf("WaitForFrame(%d), want %d s", d.waitArg, readTimeout)
	}
	// The device reuses its buffer; the frame read must not change.
	d.mu.Lock()
	copy(d.buf, []byte{9, 9, 9, 9})
	d.mu.Unlock()
	if string(raw.Data) != "\x01\x02\x03\x04" {
		t.Fatalf("the frame changed with the device's buffer: %v", raw.Data)
	}

	d.frames <- []byte{5, 6}
	raw, err = r.Read()
	if err != nil || string(raw.Data) != "\x05\x06" {
		t.Fatalf("second frame %v, %v", raw.Data, err)
	}
}

func TestRecordRawTakesTheDevicesMode(t *testing.T) {
	d := newFake()
	d.answer = func(f webcam.PixelFormat, w, h uint32) (webcam.PixelFormat, uint32, uint32) {
		return f, 1280, 720
	}
	c := openCamera(t, d)
	r, err := c.RecordRaw(mode(frame.FormatMJPEG, 1280, 721, 0))
	if err != nil {
		t.Fatal(err)
	}
	if d.setFPS != 0 {
		t.Fatalf("rate set to %g though none was asked", d.setFPS)
	}
	d.frames <- []byte{0xff, 0xd8}
	raw, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	if raw.Format != frame.FormatMJPEG || raw.Width != 1280 || raw.Height != 720 {
		t.Fatalf("read %s %dx%d, want the device's MJPEG 1280x720", raw.Format, raw.Width, raw.Height)
	}

	// A device that streams a format of its own choosing is refused.
	d2 := newFake()
	d2.answer = func(_ webcam.PixelFormat, w, h uint32) (webcam.PixelFormat, uint32, uint32) { return h264, w, h }
	c2 := openCamera(t, d2)
	_, err = c2.RecordRaw(mode(frame.FormatNV12, 640, 480, 30))
	if err == nil || !strings.Contains(err.Error(), "H264") || !strings.Contains(err.Error(), c2.Name) {
		t.Fatalf("format swap: %v", err)
	}
}

func TestReadGivesUpAfterFiveEmptyFrames(t *testing.T) {
	d := newFake()
	c := openCamera(t, d)
	r, err := c.RecordRaw(mode(frame.FormatYUYV, 640, 480, 30))
	if err != nil {
		t.Fatal(err)
	}
	for range maxEmptyFrames - 1 {
		d.frames <- nil
	}
	d.frames <- []byte{7}
	if raw, err := r.Read(); err != nil || string(raw.Data) != "\x07" {
		t.Fatalf("after %d empty frames: %v, %v", maxEmptyFrames-1, raw.Data, err)
	}
	for range maxEmptyFrames {
		d.frames <- nil
	}
	d.frames <- []byte{8}
	_, err = r.Read()
	if err == nil || !strings.Contains(err.Error(), "empty frames") || !strings.Contains(err.Error(), c.Name) {
		t.Fatalf("after %d empty frames: %v", maxEmptyFrames, err)
	}
}

func TestReadTimesOut(t *testing.T) {
	d := newFake()
	d.waitTimeout = 10 * time.Millisecond
	c := openCamera(t, d)
	r, err := c.RecordRaw(mode(frame.FormatYUYV, 640, 480, 30))
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Read()
	var timeout *webcam.Timeout
	if !errors.As(err, &timeout) || !strings.Contains(err.Error(), c.Name) || !strings.Contains(err.Error(), "no frame for 5 s") {
		t.Fatalf("timeout: %v", err)
	}
}

// Close wakes a Read that waits for a frame: it returns io.EOF at once,
// not after the 5 s timeout, the device closes only after the reader has
// left WaitForFrame, and no goroutine stays behind.
func TestCloseWakesWaitingRead(t *testing.T) {
	before := runtime.NumGoroutine()
	d := newFake() // WaitForFrame would wait a minute
	c := NewCamera(func() (Device, error) { return d, nil })
	if err := c.Open(); err != nil {
		t.Fatal(err)
	}
	r, err := c.RecordRaw(mode(frame.FormatYUYV, 640, 480, 30))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := r.Read()
		done <- err
	}()
	<-d.inWait
	closed := make(chan error)
	go func() { closed <- c.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close waits for the reader's frame")
	}
	select {
	case err := <-done:
		if err != io.EOF {
			t.Fatalf("Read after Close: %v, want io.EOF", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Read still waits after Close")
	}
	d.mu.Lock()
	busy, closes := d.closedBusy, d.closes
	d.mu.Unlock()
	if busy {
		t.Fatal("the device was closed while a reader polled it")
	}
	if err := c.Close(); err != nil || closes != 1 {
		t.Fatalf("second Close: %v; device closed %d times", err, closes)
	}
	if _, err := r.Read(); err != io.EOF {
		t.Fatalf("Read after Close: %v", err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines before, %d after", before, runtime.NumGoroutine())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A reader that has not reached WaitForFrame yet when Close runs also
// gets io.EOF, and a camera opened again streams anew.
func TestCloseBeforeReadAndReopen(t *testing.T) {
	d := newFake()
	c := openCamera(t, d)
	r, err := c.RecordRaw(mode(frame.FormatYUYV, 640, 480, 30))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Read(); err != io.EOF {
		t.Fatalf("Read after Close: %v", err)
	}
	if _, err := c.RecordRaw(mode(frame.FormatYUYV, 640, 480, 30)); err == nil {
		t.Fatal("RecordRaw on a closed camera succeeded")
	}
	d2 := newFake()
	c.open = func() (Device, error) { return d2, nil }
	if err := c.Open(); err != nil {
		t.Fatal(err)
	}
	r2, err := c.RecordRaw(mode(frame.FormatYUYV, 640, 480, 30))
	if err != nil {
		t.Fatal(err)
	}
	d2.frames <- []byte{3}
	if raw, err := r2.Read(); err != nil || string(raw.Data) != "\x03" {
		t.Fatalf("after reopening: %v, %v", raw.Data, err)
	}
	if _, err := r.Read(); err != io.EOF {
		t.Fatalf("the old stream's Read after reopening: %v", err)
	}
}

// app/media tells a busy camera from a broken one by its errno, also when
// blackjack/webcam has flattened it into text.
func TestErrorsKeepErrnoAndName(t *testing.T) {
	c := NewCamera(func() (Device, error) { return nil, syscall.EBUSY })
	c.Name = "Busy Cam (/dev/video3)"
	err := c.Open()
	var errno syscall.Errno
	if !errors.As(err, &errno) || errno != syscall.EBUSY || !strings.Contains(err.Error(), c.Name) {
		t.Fatalf("open: %v", err)
	}

	d := newFake()
	d.startErr = errors.New("Failed to map request buffers: " + syscall.EBUSY.Error())
	c2 := openCamera(t, d)
	_, err = c2.RecordRaw(mode(frame.FormatYUYV, 640, 480, 30))
	if !errors.As(err, &errno) || errno != syscall.EBUSY || !strings.Contains(err.Error(), "device or resource busy") {
		t.Fatalf("start streaming: %v", err)
	}

	_, err = c2.VideoRecord(mode(frame.FormatYUYV, 640, 480, 30))
	if err == nil || !strings.Contains(err.Error(), "RecordRaw") || !strings.Contains(err.Error(), c2.Name) {
		t.Fatalf("VideoRecord: %v", err)
	}
}

// BenchmarkRead is the driver's cost per frame on top of the device's:
// the wait, the copy out of the device's buffer and the locking, for a
// 720p YUYV frame (1.8 MB) and a typical 720p MJPEG frame (about 150 KB).
func BenchmarkRead(b *testing.B) {
	for _, bc := range []struct {
		name string
		size int
	}{{"YUYV720p", 1280 * 720 * 2}, {"MJPEG720p", 150 << 10}} {
		b.Run(bc.name, func(b *testing.B) {
			d := newFake()
			c := NewCamera(func() (Device, error) { return d, nil })
			if err := c.Open(); err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			r, err := c.RecordRaw(mode(frame.FormatYUYV, 1280, 720, 30))
			if err != nil {
				b.Fatal(err)
			}
			data := make([]byte, bc.size)
			b.SetBytes(int64(bc.size))
			for b.Loop() {
				d.frames <- data
				if _, err := r.Read(); err != nil {
					b.Fatal(err)
				}
				<-d.inWait // the fake signals each wait; drain it
			}
		})
	}
}
