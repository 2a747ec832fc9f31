// Package vp8 is Parley's realtime VP8 encoder and decoder: small cgo
// bindings to libvpx. The encoder takes app/frames pictures from the
// camera's track (app/media); the decoder (see Decoder) reuses one picture
// buffer instead of allocating a picture per frame. The encoder exists because the
// encoder shipped in mediadevices v0.10.0 never sets libvpx's cpu-used and
// so runs at the slowest, best-quality speed (tens of milliseconds per 720p
// frame), which cannot keep up with a 30 fps call. This one configures
// libvpx the way WebRTC does: realtime deadline, high cpu-used, no lag,
// error resilience, CBR, keyframes on demand.
package vp8

import (
	"errors"
	"fmt"
	"image"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/webrtc/v4"
)

// Bitrate limits SetBitRate clamps to. Congestion control works in the
// narrower range of roughly 150 kbps to 2.5 Mbps; these only stop
// nonsense from reaching libvpx.
const (
	MinBitrate = 50_000
	MaxBitrate = 8_000_000
)

// Error reports a libvpx failure.
type Error struct {
	Op   string
	Code int
	Msg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("vp8: %s: %s (libvpx error %d)", e.Op, e.Msg, e.Code)
}

// ErrBadBitrate is returned by SetBitRate for a rate that is not positive.
var ErrBadBitrate = errors.New("vp8: bitrate must be positive")

// ErrNotI420 is returned for a picture that is not whole I420.
var ErrNotI420 = errors.New("vp8: source picture is not YCbCr 4:2:0")

// Params configures encoders built from it. The zero value is usable: every
// zero field takes the default documented on it.
type Params struct {
	// InitialBitrate in bits per second (clamped like SetBitRate); 0 or
	// less picks BitrateFor the first frame's size and rate, so the far
	// side gets full resolution at once.
	InitialBitrate int
	// CPUUsed is libvpx's VP8E_SET_CPUUSED; 0 means DefaultCPUUsed. In
	// realtime mode a positive value c lets libvpx pick its speed per
	// frame so that encoding takes about (16-c)/16 of the frame interval;
	// a negative value -s fixes the speed at s (1–16, higher is faster).
	CPUUsed int
	// Threads for libvpx; 0 picks by picture size and CPU count (see
	// threadsFor).
	Threads int
	// KeyFrameInterval is the longest run of frames without a keyframe;
	// 0 means 3000 (100 s at 30 fps): keyframes normally come from PLI.
	KeyFrameInterval int
	// MinQuantizer and MaxQuantizer bound libvpx's quantizer (0–63); zero
	// means 4 and 56, WebRTC's choice.
	MinQuantizer, MaxQuantizer int
}

// DefaultCPUUsed fixes libvpx at speed 12. The adaptive settings spend
// their whole frame budget; a fixed speed keeps the encoder's share of the
// CPU small and predictable next to the webview and the decoder; the
// stamp and the picture stay clean down to 150 kbps at 720p. Measured:
// docs/benchmarks.md, "Figures behind the code" (VP8 speed).
const DefaultCPUUsed = -12

func (p Params) withDefaults() Params {
	if p.CPUUsed == 0 {
		p.CPUUsed = DefaultCPUUsed
	}
	if p.KeyFrameInterval == 0 {
		p.KeyFrameInterval = 3000
	}
	if p.MinQuantizer == 0 {
		p.MinQuantizer = 4
	}
	if p.MaxQuantizer == 0 {
		p.MaxQuantizer = 56
	}
	return p
}

// RTPCodec describes VP8 for the SDP, with the RTCP feedback mediadevices
// leaves out: without nack/pli/fir the far side never asks for a keyframe
// or a retransmission, and without transport-cc/goog-remb there is no
// bandwidth estimate.
func (p *Params) RTPCodec() *codec.RTPCodec {
	c := codec.NewRTPVP8Codec(90000)
	c.RTCPFeedback = []webrtc.RTCPFeedback{
		{Type: webrtc.TypeRTCPFBGoogREMB},
		{Type: webrtc.TypeRTCPFBCCM, Parameter: "fir"},
		{Type: webrtc.TypeRTCPFBNACK},
		{Type: webrtc.TypeRTCPFBNACK, Parameter: "pli"},
		{Type: webrtc.TypeRTCPFBTransportCC},
	}
	return c
}

// Encoder compresses camera frames to VP8, one Encode per frame. It
// implements codec.KeyFrameController and codec.BitRateController, which
// is how a PLI and congestion control reach it. libvpx is opened on the
// first frame, so its size always matches what the camera delivers.
type Encoder struct {
	params Params
	fps    float32

	mu       sync.Mutex
	s        *vpxEncoder
	w, h     int
	bitrate  int // bps; 0 until the first frame when fitted to its size
	forceKey bool
	start    time.Time
	last     time.Time
	buf      []byte
	closed   bool
}

// NewEncoder returns an encoder for frames at about fps per second (0 if
// unknown), which fits the initial bitrate.
func NewEncoder(fps float32, p Params) *Encoder {
	bitrate := 0 // fitted on the first frame
	if p.InitialBitrate > 0 {
		bitrate = min(max(p.InitialBitrate, MinBitrate), MaxBitrate)
	}
	return &Encoder{params: p.withDefaults(), fps: fps, bitrate: bitrate}
}

// Encode compresses f, a packed I420 picture, timing libvpx's frame with
// its capture time. It returns io.EOF after Close and ErrNotI420 for a
// frame whose planes do not hold its size.
func (e *Encoder) Encode(f *frames.Frame) ([]byte, error) {
	if !f.Whole() {
		return nil, fmt.Errorf("%w: %dx%d", ErrNotI420, f.Width, f.Height)
	}
	cw, _ := f.ChromaSize()
	yuv := &image.YCbCr{
		Y: f.Y, Cb: f.U, Cr: f.V, YStride: f.Width, CStride: cw,
		SubsampleRatio: image.YCbCrSubsampleRatio420,
		Rect:           image.Rect(0, 0, f.Width, f.Height),
	}
	out, _, err := e.encode(yuv, f.Captured)
	return out, err
}

// encode compresses one picture captured at t.
func (e *Encoder) encode(yuv *image.YCbCr, t time.Time) ([]byte, bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, false, io.EOF
	}
	b := yuv.Rect
	w, h := b.Dx(), b.Dy()
	if w < 2 || h < 2 {
		return nil, false, fmt.Errorf("%w: %dx%d", ErrNotI420, w, h)
	}
	if e.s == nil || w != e.w || h != e.h {
		if err := e.reopen(w, h); err != nil {
			return nil, false, err
		}
		e.start, e.last = t, t
	}
	pts := t.Sub(e.start).Microseconds() * 9 / 100 // 90 kHz clock
	dur := uint64(t.Sub(e.last).Microseconds() * 9 / 100)
	if dur == 0 {
		dur = 1 // libvpx rejects a zero duration
	}
	yo, co := yuv.YOffset(b.Min.X, b.Min.Y), yuv.COffset(b.Min.X, b.Min.Y)
	out, key, err := e.s.encode(e.buf[:0], yuv.Y[yo:], yuv.Cb[co:], yuv.Cr[co:], yuv.YStride, yuv.CStride,
		pts, dur, e.forceKey)
	e.buf = out[:0]
	if err != nil {
		return nil, false, err
	}
	e.forceKey = false
	e.last = t
	return append([]byte(nil), out...), key, nil
}

// reopen (re)creates the libvpx instance for a new picture size; a VP8
// stream cannot change size without a new keyframe anyway.
func (e *Encoder) reopen(w, h int) error {
	if e.s != nil {
		e.s.close()
		e.s = nil
	}
	if e.bitrate == 0 {
		e.bitrate = BitrateFor(w, h, e.fps)
	}
	threads := e.params.Threads
	if threads == 0 {
		threads = threadsFor(w, h, runtime.NumCPU())
	}
	s, err := newVPXEncoder(vpxEncoderSettings{
		width: w, height: h, threads: threads,
		bitrateKbps: e.bitrate / 1000,
		minQ:        e.params.MinQuantizer, maxQ: e.params.MaxQuantizer,
		kfMaxDist: e.params.KeyFrameInterval, cpuUsed: e.params.CPUUsed,
		maxIntraPct: maxIntraBitratePct(e.fps),
	})
	if err != nil {
		return err
	}
	e.s, e.w, e.h = s, w, h
	return nil
}

// threadsFor follows WebRTC's rule for libvpx threads: one thread up to
// 640×480 or on machines with fewer than three CPUs (a second thread
// there waits on a preempted first one and makes slow frames slower:
// BenchmarkEncode shows the mean frame time rising from 3 ms to 8 ms at
// 720p on a busy 2-core machine), two above, three above 1280×960 with six
// CPUs.
func threadsFor(w, h, cpus int) int {
	switch px := w * h; {
	case px > 1280*960 && cpus >= 6:
		return 3
	case px > 640*480 && cpus >= 3:
		return 2
	}
	return 1
}

// maxIntraBitratePct caps a keyframe's size relative to an average frame,
// as WebRTC does (half the optimal 600 ms buffer, in frames), so a PLI does
// not burst the path.
func maxIntraBitratePct(fps float32) int {
	if fps <= 0 {
		fps = 30
	}
	return max(300, int(600*0.5*fps/10))
}

// ForceKeyFrame makes the next encoded frame a keyframe.
func (e *Encoder) ForceKeyFrame() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.forceKey = true
	return nil
}

// SetBitRate changes the target bitrate (bits per second) from the next
// frame on, clamped to [MinBitrate, MaxBitrate].
func (e *Encoder) SetBitRate(bps int) error {
	if bps <= 0 {
		return fmt.Errorf("%w: %d", ErrBadBitrate, bps)
	}
	bps = min(max(bps, MinBitrate), MaxBitrate)
	e.mu.Lock()
	defer e.mu.Unlock()
	if bps == e.bitrate && e.s != nil {
		return nil // congestion control repeats itself; libvpx need not hear it
	}
	e.bitrate = bps
	if e.s == nil {
		return nil
	}
	return e.s.setBitrate(bps / 1000)
}

// BitRate returns the current target in bits per second (0 before the
// first frame when it is fitted to the picture size).
func (e *Encoder) BitRate() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.bitrate
}

// Close frees the libvpx instance. Later Encodes return io.EOF.
func (e *Encoder) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.s != nil {
		e.s.close()
		e.s = nil
	}
	e.closed = true
	return nil
}
