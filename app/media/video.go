package media

import (
	"context"
	"errors"
	"image"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/captured"
	"github.com/parleyhq/parley/app/media/vp8"
	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

// VideoRequest is what the settings ask of a camera. Zero fields mean
// "anything": Camera "" is the preferred camera, a zero size is
// DefaultWidth×DefaultHeight, FPS 0 is DefaultFPS, PixelFormat "" is any
// (raw formats preferred over MJPEG).
type VideoRequest struct {
	Camera        string // a Device.Name
	Width, Height int
	FPS           float64
	PixelFormat   string
}

// VideoSettings is what a camera was really opened with.
type VideoSettings struct {
	Camera        string
	Width, Height int
	FPS           float32 // 0 when the driver does not say
	PixelFormat   string
	// Fallback is empty when the request was met, else a sentence for the
	// user saying what was used instead.
	Fallback string
}

// Video is an open camera, a frames.Source. One goroutine captures while
// anyone watches: it converts each frame to packed I420 once, in a buffer
// of its own, and hands it with its capture time to a fan-out that feeds
// the previews and the encoder of the VideoTrack that sends the camera.
type Video struct {
	settings VideoSettings
	drv      driver.Driver
	raw      captured.Reader // the driver's frames undecoded, for a captured.Recorder
	conv     converter       // raw's frames to I420
	skipped  atomic.Int64    // raw frames that could not be converted
	src      video.Reader    // else the driver's frames as I420 (mediadevices' drivers)
	at       time.Time       // capture time of the frame src returned last; capture's own
	out      frames.Fanout   // previews and a VideoTrack's binding
	buf      []byte          // the packed frame's buffer, reused (see packI420)
	wake     chan struct{}   // a subscriber came: capture checks again
	cancel   context.CancelFunc
	done     chan struct{}
	once     sync.Once
	closeErr error
}

// OpenVideo opens a camera with the mode nearest to req (see
// VideoSettings.Fallback). Errors are *DeviceError: ErrNoCamera when the
// camera does not exist, ErrDeviceBusy when it is open already, and so on.
func OpenVideo(req VideoRequest) (*Video, error) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	e, err := find(Camera, req.Camera)
	if err != nil {
		return nil, err
	}
	if e.drv.Status() != driver.StateClosed {
		return nil, &DeviceError{Kind: Camera, Device: e.Name, Err: ErrDeviceBusy}
	}
	props, err := properties(e.drv)
	if err != nil {
		return nil, deviceError(Camera, e.Name, err)
	}
	p, note, err := chooseVideo(req, props, e.Label)
	if err != nil {
		return nil, &DeviceError{Kind: Camera, Device: e.Name, Err: ErrDeviceFailed, Cause: err}
	}
	if err := e.drv.Open(); err != nil {
		return nil, deviceError(Camera, e.Name, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	v := &Video{
		settings: VideoSettings{
			Camera: e.Name, Width: p.Width, Height: p.Height, FPS: p.FrameRate,
			PixelFormat: string(p.FrameFormat), Fallback: note,
		},
		drv:    e.drv,
		wake:   make(chan struct{}, 1),
		cancel: cancel,
		done:   make(chan struct{}),
	}
	if err := v.record(e, p); err != nil {
		cancel()
		_ = e.drv.Close()
		return nil, deviceError(Camera, e.Name, err)
	}
	go v.capture(ctx)
	return v, nil
}

// record starts the camera in mode p: undecoded through the converter
// when its driver is one of Parley's (a captured.Recorder), else through
// mediadevices' own decoding.
func (v *Video) record(e entry, p prop.Media) error {
	if rec := recorderOf(e.drv); rec != nil {
		r, err := rec.RecordRaw(p)
		v.raw = r
		return err
	}
	rec, ok := e.drv.(driver.VideoRecorder)
	if !ok {
		return errors.New("not a video recorder")
	}
	r, err := rec.VideoRecord(p)
	if err != nil {
		return err
	}
	v.src = video.ToI420(video.ReaderFunc(func() (image.Image, func(), error) {
		img, release, err := r.Read()
		if err != nil {
			return nil, func() {}, err
		}
		// A frame's capture time is the moment it arrives, before any
		// conversion.
		v.at = time.Now()
		return img, release, nil
	}))
	return nil
}

// StartBitrate is the bitrate the encoder starts at for the captured size
// and rate; congestion control starts from the same.
func (v *Video) StartBitrate() int {
	return vp8.BitrateFor(v.settings.Width, v.settings.Height, v.settings.FPS)
}

// Settings reports the mode the camera was opened with.
func (v *Video) Settings() VideoSettings { return v.settings }

// Subscribe implements frames.Source: it sends every captured frame, as
// I420 before encoding, to sink as frames.Local until stop is called or the
// camera is closed. Frames are delivered on the capture goroutine, so sink
// must return quickly (an encoder encodes there: see binding) and may keep
// a frame only by copying it: the next frame reuses its buffer. Capture
// runs while there is a subscriber.
func (v *Video) Subscribe(sink frames.Sink) (stop func()) {
	remove := v.out.Subscribe(sink)
	select {
	case v.wake <- struct{}{}:
	default:
	}
	return remove
}

// Close stops capture and releases the camera. A VideoTrack still
// subscribed receives nothing more until it is given another source.
func (v *Video) Close() error {
	v.once.Do(func() {
		v.cancel()
		registry.mu.Lock()
		v.closeErr = v.drv.Close()
		registry.mu.Unlock()
		<-v.done
	})
	return v.closeErr
}

// capture reads the camera while the fan-out has subscribers, and waits
// for one otherwise, until Close. A camera that fails or ends stops it;
// the panes then freeze and the encoders wait, as they would for a camera
// that stopped delivering.
func (v *Video) capture(ctx context.Context) {
	defer close(v.done)
	defer v.conv.close()
	for {
		if v.out.Len() == 0 {
			select {
			case <-ctx.Done():
				return
			case <-v.wake:
			}
			continue
		}
		f, err := v.read()
		if err != nil || ctx.Err() != nil {
			return
		}
		v.out.WriteFrame(frames.Local, f)
	}
}

// read returns the camera's next frame, packed into the capture's buffer
// (see packI420): valid until the next read.
func (v *Video) read() (*frames.Frame, error) {
	if v.raw != nil {
		return v.readRaw()
	}
	img, release, err := v.src.Read()
	if err != nil {
		return nil, err // capture stops; nothing reports it (see capture)
	}
	var f *frames.Frame
	f, v.buf = packI420(v.buf, img.(*image.YCbCr), v.at) // ToI420 guarantees the type
	release()
	return f, nil
}

// readRaw returns the next frame that converts. Webcams send truncated
// and damaged MJPEG now and then (a USB packet lost): such a frame is
// skipped, counted and logged, and the picture stays on the last good
// one rather than showing a grey or green half.
func (v *Video) readRaw() (*frames.Frame, error) {
	for {
		r, err := v.raw.Read()
		if err != nil {
			return nil, err
		}
		if r.Captured.IsZero() {
			r.Captured = time.Now()
		}
		f, err := v.conv.convert(r)
		if err == nil {
			return f, nil
		}
		if n := v.skipped.Add(1); n <= 3 || n%100 == 0 {
			log.Printf("media: %s: skipped a %s frame (%d so far): %v", v.settings.Camera, r.Format, n, err)
		}
	}
}

// Skipped reports how many frames the camera sent that could not be
// converted and were skipped.
func (v *Video) Skipped() int64 { return v.skipped.Load() }
