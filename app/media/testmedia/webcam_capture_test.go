//go:build linux

package testmedia

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/mjpeg"
	"github.com/parleyhq/parley/app/media/stamp"
	"github.com/parleyhq/parley/app/media/v4l2"
	"github.com/parleyhq/parley/internal/cmem"
	"github.com/parleyhq/parley/internal/psnr"
	"github.com/pion/mediadevices/pkg/driver"
)

// received is one captured frame, copied, with its stamp.
type received struct {
	f    frames.Frame
	code stamp.Code
	ok   bool
}

// capture opens camera at w×h and returns its first n frames.
func capture(t *testing.T, camera string, w, h, n int) ([]received, *media.Video) {
	t.Helper()
	v, err := media.OpenVideo(media.VideoRequest{Camera: camera, Width: w, Height: h})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	var mu sync.Mutex
	var got []received
	done := make(chan struct{})
	stop := v.Subscribe(frames.SinkFunc(func(_ frames.Stream, f *frames.Frame) {
		mu.Lock()
		defer mu.Unlock()
		if len(got) == n {
			return
		}
		c := frames.Frame{Width: f.Width, Height: f.Height, Y: append([]byte(nil), f.Y...), U: append([]byte(nil), f.U...), V: append([]byte(nil), f.V...), Captured: f.Captured}
		code, ok := stamp.Decode(c.Y, c.Width, c.Height, c.Width)
		got = append(got, received{c, code, ok})
		if len(got) == n {
			close(done)
		}
	}))
	defer stop()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: %d of %d frames in 10 s", camera, len(got), n)
	}
	mu.Lock()
	defer mu.Unlock()
	return got, v
}

// checkPicture fails unless r is frame code.Seq of the camera's pattern,
// below the stamp, within a PSNR floor that a half-decoded, grey or green
// picture, or another camera's, falls far below.
func checkPicture(t *testing.T, r received, camera uint8, p pattern) {
	t.Helper()
	if !r.ok || r.code.Camera != camera {
		t.Fatalf("stamp %+v ok %v, want camera %d", r.code, r.ok, camera)
	}
	w, h := r.f.Width, r.f.Height
	want := cachedRenderer(camera, p, w, h).render(r.code.Seq % webcamLoop)
	band := (stamp.Height(w) + 16) * w
	if q := psnr.Of(want.Y[band:], r.f.Y[band:]); q < 32 {
		t.Fatalf("frame %d: luma %.1f dB from the source", r.code.Seq, q)
	}
	if q := psnr.Of(want.Cr, r.f.V); q < 32 {
		t.Fatalf("frame %d: chroma %.1f dB from the source", r.code.Seq, q)
	}
}

// The webcam-like cameras' frames go through Parley's V4L2 driver and the
// capture's converter to I420 that matches the picture they drew: MJPEG
// at 720p and 1080p, with and without Huffman tables, and YUYV.
func TestWebcamFramesThroughCapture(t *testing.T) {
	if err := RegisterWebcams(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		camera string
		id     uint8
		p      pattern
		w, h   int
		format string
	}{
		{WebcamA, CameraAID, patternA, 1280, 720, "MJPEG"},
		{WebcamB, CameraBID, patternB, 1920, 1080, "MJPEG"},
		{WebcamA, CameraAID, patternA, 640, 480, "YUYV"},
	} {
		got, v := capture(t, c.camera, c.w, c.h, 3)
		if s := v.Settings(); s.PixelFormat != c.format || s.Width != c.w || s.FPS != 30 {
			t.Fatalf("%s at %dx%d opened as %+v", c.camera, c.w, c.h, s)
		}
		for _, r := range got {
			if r.f.Width != c.w || r.f.Height != c.h {
				t.Fatalf("%s: frame %dx%d", c.camera, r.f.Width, r.f.Height)
			}
			checkPicture(t, r, c.id, c.p)
		}
		if v.Skipped() != 0 {
			t.Fatalf("%s: %d frames skipped", c.camera, v.Skipped())
		}
		_ = v.Close()
	}
}

// damaging is a webcam that cuts every third MJPEG frame short, as a lost
// USB packet does.
type damaging struct{ *uvcDevice }

func (d damaging) GetFrame() ([]byte, uint32, error) {
	d.mu.Lock()
	seq := d.seq
	d.mu.Unlock()
	b, i, err := d.uvcDevice.GetFrame()
	if err == nil && seq%3 == 2 {
		b = b[:len(b)*2/3]
	}
	return b, i, err
}

// A damaged frame is skipped and counted, and the picture goes on with
// the next good one: no frame that reaches the encoder is half decoded.
func TestDamagedWebcamFramesAreSkipped(t *testing.T) {
	const name = "Parley Test Webcam (damaged)"
	cam := v4l2.NewCamera(func() (v4l2.Device, error) { return damaging{newUVCDevice(CameraAID, false)}, nil })
	if err := media.RegisterVirtual(cam, driver.Info{Label: name, Name: name, DeviceType: driver.Camera, Priority: driver.PriorityLow}); err != nil {
		t.Fatal(err)
	}
	got, v := capture(t, name, 1280, 720, 6)
	var seqs []uint32
	for _, r := range got {
		checkPicture(t, r, CameraAID, patternA)
		seqs = append(seqs, r.code.Seq)
	}
	for i, want := range []uint32{0, 1, 3, 4, 6, 7} {
		if seqs[i] != want {
			t.Fatalf("frames %v delivered, want 0 1 3 4 6 7", seqs)
		}
	}
	if n := v.Skipped(); n < 2 || n > 3 {
		t.Fatalf("%d frames counted as skipped, want 2 (or 3 if the next was read)", n)
	}
}

// Opening and closing a webcam a hundred times leaves no goroutine, no
// libjpeg-turbo decoder and no C memory behind.
func TestWebcamOpenCloseLeavesNothing(t *testing.T) {
	if err := RegisterWebcams(); err != nil {
		t.Fatal(err)
	}
	cycle := func() {
		got, v := capture(t, WebcamA, 1280, 720, 1)
		if !got[0].ok {
			t.Fatal("no stamp")
		}
		if err := v.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 { // the loop cache and the allocator's arenas fill first
		cycle()
	}
	settle()
	goroutines := runtime.NumGoroutine()
	heap, err := cmem.InUse()
	if err != nil {
		t.Fatal(err)
	}
	// Capture frees its decoder as its goroutine ends, which Close
	// waits for; the goroutine count is read after the hundred.
	for range 100 {
		cycle()
		if n := mjpeg.Live(); n != 0 {
			t.Fatalf("%d MJPEG decoders live after Close", n)
		}
	}
	settle()
	if n := runtime.NumGoroutine(); n > goroutines {
		t.Errorf("%d goroutines after 100 opens, %d before", n, goroutines)
	}
	after, err := cmem.InUse()
	if err != nil {
		t.Fatal(err)
	}
	// A leaked libjpeg-turbo decoder is about 4 kB (430 kB over the
	// hundred when tjDestroy was left out); the heap moves by under 10 kB
	// without a leak.
	if grew := after - heap; grew > 200<<10 {
		t.Errorf("the C heap grew by %d kB over 100 opens", grew>>10)
	}
}

func settle() {
	for range 20 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}
