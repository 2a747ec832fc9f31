package media

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/vp8"
)

// rtpMTU is the payload size packets are cut to, as mediadevices did.
const rtpMTU = 1200

// ErrNoCaptureClock is what Bind reports when no negotiated codec is one
// the camera's track encodes, with each frame's capture time as its RTP
// timestamp (VP8).
var ErrNoCaptureClock = errors.New("media: no negotiated video codec is sent with capture times")

// errTrackClosed is what Bind reports after the camera was closed.
var errTrackClosed = errors.New("media: the camera is closed")

// VideoTrack is the camera as PeerConnections send it (webrtc.TrackLocal).
// Each binding has its own VP8 encoder, fed from the camera's capture in
// the same fan-out as the previews.
//
// Every frame's RTP timestamp is its capture time on the codec clock, as
// libwebrtc does: the time a frame takes to encode varies, by tens of
// milliseconds on a loaded machine, and stamping the moment encoding
// ended (as mediadevices' packetizer does) put that variation into the
// timestamps, so receivers played frames to the encoder's rhythm rather
// than the camera's, and lip sync compared the audio's sample clock with
// the video's send times. A receiver now sees the sender's own delay
// variation as jitter and buffers for it.
type VideoTrack struct {
	v      *Video
	params vp8.Params
	fps    float32
	// encode is (*vp8.Encoder).Encode; the tests slow it down.
	encode func(*vp8.Encoder, *frames.Frame) ([]byte, error)

	mu       sync.Mutex
	bindings map[string]*binding
	ctl      *vp8.Encoder // of the latest binding
	closed   bool
}

func newVideoTrack(v *Video, params vp8.Params, fps float32) *VideoTrack {
	return &VideoTrack{
		v: v, params: params, fps: fps, encode: (*vp8.Encoder).Encode,
		bindings: map[string]*binding{},
	}
}

// ID implements webrtc.TrackLocal: the camera's driver id.
func (t *VideoTrack) ID() string { return t.v.drv.ID() }

// RID implements webrtc.TrackLocal; there is no simulcast.
func (t *VideoTrack) RID() string { return "" }

// StreamID implements webrtc.TrackLocal. A call puts its tracks in one
// stream of its own (app/call), so this is only a default.
func (t *VideoTrack) StreamID() string { return t.v.drv.ID() }

// Kind implements webrtc.TrackLocal.
func (t *VideoTrack) Kind() webrtc.RTPCodecType { return webrtc.RTPCodecTypeVideo }

// binding is one PeerConnection sending the track: a frames.Sink on the
// camera's fan-out that encodes and sends each frame as it comes, on the
// capture goroutine. Capture, conversion and encoding so run back to back
// on one core, as they did when mediadevices' encoder pulled frames; a
// hand-over to a goroutine per binding cost about 3 % more CPU and half a
// millisecond at 720p (docs/benchmarks.md, "The camera's own capture
// path"). An encoder slower than the camera makes capture skip frames,
// which is what a realtime encoder should do.
type binding struct {
	t   *VideoTrack
	enc *vp8.Encoder
	p   rtp.Packetizer
	rc  *rtpClock
	w   webrtc.TrackLocalWriter

	stop chan struct{} // closed when the binding ends; keyFrameRequests watches it

	mu          sync.Mutex // held while a frame is encoded and sent
	ended       bool
	unsubscribe func()
}

// WriteFrame implements frames.Sink.
func (b *binding) WriteFrame(_ frames.Stream, f *frames.Frame) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended {
		return
	}
	data, err := b.t.encode(b.enc, f)
	if err != nil {
		b.endLocked() // closed, or a frame libvpx refused: either way, done
		return
	}
	ts := b.rc.at(f.Captured)
	for _, pkt := range b.p.Packetize(data, 0) {
		pkt.Timestamp = ts
		if _, err := b.w.WriteRTP(&pkt.Header, pkt.Payload); err != nil {
			// The PeerConnection is closing: no reason to stop the
			// camera for everyone else.
			b.endLocked()
			return
		}
	}
}

// end stops the binding, waiting for a frame being encoded.
func (b *binding) end() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.endLocked()
}

func (b *binding) endLocked() {
	if b.ended {
		return
	}
	b.ended = true
	b.unsubscribe() // may run inside the fan-out's call: it allows that
	b.enc.Close()
	close(b.stop)
}

// Bind implements webrtc.TrackLocal: it picks VP8 among the negotiated
// codecs and starts encoding. The encoder exists when Bind returns (libvpx
// opens on the first frame), so EncoderController works at once; nothing
// is sent before DTLS is up anyway, and the first frames' keyframe is lost
// with them, which is why the engine forces one once the call connects.
func (t *VideoTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	var errs []error
	for _, c := range ctx.CodecParameters() {
		if !strings.EqualFold(c.MimeType, webrtc.MimeTypeVP8) {
			errs = append(errs, fmt.Errorf("%s: %w", c.MimeType, ErrNoCaptureClock))
			continue
		}
		b := &binding{
			t: t, enc: vp8.NewEncoder(t.fps, t.params),
			p:  rtp.NewPacketizer(rtpMTU, uint8(c.PayloadType), uint32(ctx.SSRC()), &codecs.VP8Payloader{}, rtp.NewRandomSequencer(), c.ClockRate),
			rc: newRTPClock(c.ClockRate), w: ctx.WriteStream(),
			stop: make(chan struct{}),
		}
		b.mu.Lock() // no frame before the binding is whole
		t.mu.Lock()
		if t.closed {
			t.mu.Unlock()
			b.mu.Unlock()
			return webrtc.RTPCodecParameters{}, errTrackClosed
		}
		t.bindings[ctx.ID()] = b
		t.ctl = b.enc
		t.mu.Unlock()
		b.unsubscribe = t.v.subscribe(b)
		b.mu.Unlock()
		go keyFrameRequests(b.stop, ctx.RTCPReader(), b.enc)
		return c, nil
	}
	if len(errs) == 0 {
		return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
	}
	return webrtc.RTPCodecParameters{}, errors.Join(errs...)
}

// Unbind implements webrtc.TrackLocal. It returns once the binding's
// encoder is closed, which takes until the frame being encoded is sent.
func (t *VideoTrack) Unbind(ctx webrtc.TrackLocalContext) error {
	t.mu.Lock()
	b := t.bindings[ctx.ID()]
	delete(t.bindings, ctx.ID())
	t.mu.Unlock()
	if b != nil {
		b.end()
	}
	return nil
}

// EncoderController is the latest binding's encoder (nil before the first
// Bind): codec.KeyFrameController and codec.BitRateController.
func (t *VideoTrack) EncoderController() codec.EncoderController {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ctl == nil {
		return nil
	}
	return t.ctl
}

// close ends every binding; the camera calls it when it closes. Unbind
// afterwards finds nothing left to do.
func (t *VideoTrack) close() {
	t.mu.Lock()
	t.closed = true
	bs := make([]*binding, 0, len(t.bindings))
	for _, b := range t.bindings {
		bs = append(bs, b)
	}
	t.mu.Unlock()
	for _, b := range bs {
		b.end()
	}
}

// keyFrameRequests answers PLI and FIR from the receiver with a keyframe,
// until the sender's RTCP ends (the PeerConnection stops it) or, after
// Unbind, the next packet arrives.
func keyFrameRequests(stop <-chan struct{}, r interceptor.RTCPReader, kf codec.KeyFrameController) {
	buf := make([]byte, 1500)
	for {
		n, _, err := r.Read(buf, interceptor.Attributes{})
		if err != nil {
			return
		}
		select {
		case <-stop:
			return
		default:
		}
		pkts, err := rtcp.Unmarshal(buf[:n])
		if err != nil {
			continue
		}
		for _, pkt := range pkts {
			switch pkt.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				_ = kf.ForceKeyFrame() // Parley's encoder never fails this
			}
		}
	}
}

// rtpClock turns capture times into RTP timestamps: a random start (RFC
// 3550) plus the time since the binding's first frame, on the codec clock.
type rtpClock struct {
	rate    int64
	base    uint32
	first   time.Time
	last    uint32
	started bool
}

func newRTPClock(rate uint32) *rtpClock {
	return &rtpClock{rate: int64(rate), base: rand.Uint32()}
}

// at returns the timestamp of a frame captured at t. Timestamps only move
// forward: two frames with one timestamp would be taken for one frame, so
// a capture time that does not advance (a driver's coarse clock) gets one
// tick more than the last.
func (c *rtpClock) at(t time.Time) uint32 {
	if !c.started {
		c.first, c.last, c.started = t, c.base, true
		return c.base
	}
	d := t.Sub(c.first)
	ticks := int64(d/time.Second)*c.rate + int64(d%time.Second)*c.rate/int64(time.Second)
	ts := c.base + uint32(ticks)
	if int32(ts-c.last) <= 0 {
		ts = c.last + 1
	}
	c.last = ts
	return ts
}
