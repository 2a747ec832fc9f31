package media

import (
	"context"
	"errors"
	"image"
	"io"
	"sync"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/captured"
	"github.com/parleyhq/parley/app/media/vp8"
	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/io/video"
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

// Video is an open camera: one capture feeding both the track a
// PeerConnection sends and the preview.
type Video struct {
	settings VideoSettings
	drv      driver.Driver
	vt       *mediadevices.VideoTrack
	track    *boundTrack
	previews frames.Fanout
	wake     chan struct{}
	cancel   context.CancelFunc
	done     chan struct{}
	once     sync.Once
	closeErr error
}

// OpenVideo opens a camera with the mode nearest to req (see
// VideoSettings.Fallback) and builds its track with codecs (nil means
// NewCodecSelector(CodecConfig{})). Errors are *DeviceError: ErrNoCamera
// when the camera does not exist, ErrDeviceBusy when it is open already,
// and so on.
func OpenVideo(req VideoRequest, codecs *mediadevices.CodecSelector) (*Video, error) {
	if codecs == nil {
		codecs = NewCodecSelector(CodecConfig{})
	}
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
	rec, ok := e.drv.(driver.VideoRecorder)
	if !ok {
		return nil, &DeviceError{Kind: Camera, Device: e.Name, Err: ErrDeviceFailed, Cause: errors.New("not a video recorder")}
	}
	if err := e.drv.Open(); err != nil {
		return nil, deviceError(Camera, e.Name, err)
	}
	r, err := rec.VideoRecord(p)
	if err != nil {
		_ = e.drv.Close()
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
	t := mediadevices.NewVideoTrack(newVideoSource(v, r), codecs)
	v.vt = t.(*mediadevices.VideoTrack)
	fastPollVideo(v.vt)
	v.track = newBoundTrack(newVideoSender(v.vt))
	go v.pump(ctx)
	return v, nil
}

// Track is the track to add to a PeerConnection (it implements
// webrtc.TrackLocal). Its EncoderController (after negotiation) is
// Parley's VP8 encoder: codec.KeyFrameController and
// codec.BitRateController. OnEnded reports a *DeviceError such as
// ErrDeviceGone when the camera stops delivering.
//
// pion binds the track, and encoding starts, when the remote description
// is set, before DTLS is up; packets written before then are dropped, the
// first keyframe with them. Call ForceKeyFrame on the controller when the
// PeerConnection reaches "connected", or the far side sees nothing until
// it sends a PLI (measured on loopback under load: 16 frames lost).
func (v *Video) Track() mediadevices.Track { return v.track }

// StartBitrate is the bitrate the encoder starts at for the captured size
// and rate; congestion control starts from the same.
func (v *Video) StartBitrate() int {
	return vp8.BitrateFor(v.settings.Width, v.settings.Height, v.settings.FPS)
}

// Settings reports the mode the camera was opened with.
func (v *Video) Settings() VideoSettings { return v.settings }

// Preview sends every captured frame, as I420 before encoding, to sink as
// frames.Local until stop is called or the camera is closed. Frames are delivered on the capture
// path, so sink must return quickly; it may keep a frame only by copying
// it. Capture runs while there is a preview or a bound sender.
func (v *Video) Preview(sink frames.Sink) (stop func()) {
	remove := v.previews.Subscribe(sink)
	select {
	case v.wake <- struct{}{}:
	default:
	}
	return remove
}

// Close stops capture, ends the track and releases the camera.
func (v *Video) Close() error {
	v.once.Do(func() {
		v.cancel()
		v.closeErr = v.track.Close()
		<-v.done
	})
	return v.closeErr
}

// pump pulls frames for the preview while no sender does; see boundTrack.
func (v *Video) pump(ctx context.Context) {
	defer close(v.done)
	for {
		bound, changed := v.track.state()
		if bound || v.previews.Len() == 0 {
			select {
			case <-ctx.Done():
				return
			case <-changed:
			case <-v.wake:
			}
			continue
		}
		// A fresh reader each time: a mediadevices broadcaster reader that
		// fell far behind cannot catch up.
		r := v.vt.NewReader(false)
		for {
			if _, _, err := r.Read(); err != nil || ctx.Err() != nil {
				return
			}
			if bound, _ := v.track.state(); bound || v.previews.Len() == 0 {
				break
			}
		}
	}
}

// videoSource is the one reader of the camera driver: it converts every
// frame to packed I420 in a buffer of its own, feeds the previews, and
// hands each picture on as a *captured.Picture with its capture time.
type videoSource struct {
	v  *Video
	r  video.Reader // the driver's frames as I420
	at time.Time    // capture time of the frame r returned last
}

// newVideoSource reads drv. The capture time is the driver's when it
// delivers *captured.Picture (the test cameras, whose stamp carries the
// same time), else the moment the frame arrives from the driver, before
// any conversion.
func newVideoSource(v *Video, drv video.Reader) *videoSource {
	s := &videoSource{v: v}
	s.r = video.ToI420(video.ReaderFunc(func() (image.Image, func(), error) {
		img, release, err := drv.Read()
		if err != nil {
			return nil, func() {}, err
		}
		pic, at, ok := captured.Split(img)
		if !ok {
			at = time.Now()
		}
		s.at = at
		return pic, release, nil
	}))
	return s
}

func (s *videoSource) ID() string { return s.v.drv.ID() }

func (s *videoSource) Close() error {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	return s.v.drv.Close()
}

func (s *videoSource) Read() (image.Image, func(), error) {
	img, release, err := s.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, func() {}, io.EOF
		}
		return nil, func() {}, deviceError(Camera, s.v.settings.Camera, err)
	}
	packed := packI420(img.(*image.YCbCr)) // ToI420 guarantees the type
	release()
	if s.v.previews.Len() > 0 {
		s.v.previews.WriteFrame(frames.Local, asFrame(packed, s.at))
	}
	return &captured.Picture{YCbCr: packed, Captured: s.at}, func() {}, nil
}
