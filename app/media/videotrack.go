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

// VideoTrack is one call's video as its PeerConnection sends it
// (webrtc.TrackLocal): the pictures of one source at a time, each encoded
// with VP8 as it comes, on the source's capture goroutine. A camera
// switch, the camera turned off, or another source changes what the track
// sends and not the track: its binding keeps one encoder, one RTP sequence
// and one RTP clock, so the peer receives one unbroken stream on one SSRC,
// with no renegotiation.
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
	params vp8.Params
	fps    float32
	// encode is (*vp8.Encoder).Encode; the tests slow it down.
	encode func(*vp8.Encoder, *frames.Frame) ([]byte, error)

	// mu orders source changes and binds; it is taken before a
	// binding's own mu, never after.
	mu       sync.Mutex
	src      frames.Source // nil: nothing to send
	bindings map[string]*binding
	ctl      *vp8.Encoder // of the latest binding
}

// NewVideoTrack returns a track that sends nothing until SetSource, with
// codecs' VP8 settings (nil: NewCodecs(CodecConfig{})) for sources of
// about fps frames per second (0: unknown), which fits the encoder's first
// bitrate.
func NewVideoTrack(codecs *Codecs, fps float32) *VideoTrack {
	if codecs == nil {
		codecs = NewCodecs(CodecConfig{})
	}
	return &VideoTrack{
		params: codecs.video, fps: fps, encode: (*vp8.Encoder).Encode,
		bindings: map[string]*binding{},
	}
}

// SetSource makes the track send src's pictures from its next one on; nil
// sends none, and the peer keeps its last picture. The first picture of a
// new source is a keyframe. The old source is no longer subscribed once
// SetSource returns, so the caller may close it then.
func (t *VideoTrack) SetSource(src frames.Source) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.src = src
	for _, b := range t.bindings {
		b.follow(src)
	}
}

// ID implements webrtc.TrackLocal.
func (t *VideoTrack) ID() string { return "video" }

// RID implements webrtc.TrackLocal; there is no simulcast.
func (t *VideoTrack) RID() string { return "" }

// StreamID implements webrtc.TrackLocal. A call puts its tracks in one
// stream of its own (app/call), so this is only a default.
func (t *VideoTrack) StreamID() string { return "parley" }

// Kind implements webrtc.TrackLocal.
func (t *VideoTrack) Kind() webrtc.RTPCodecType { return webrtc.RTPCodecTypeVideo }

// binding is one PeerConnection sending the track: subscribed to the
// track's source, it encodes and sends each frame as it comes, on the
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
	feed        *feed  // the current source's subscription
	unsubscribe func() // from the current source, nil if none
}

// feed is one subscription of a binding to a source. A source that was
// replaced may still be delivering a frame; its feed is no longer the
// binding's, so that frame is dropped rather than sent after the new
// source's.
type feed struct{ b *binding }

// WriteFrame implements frames.Sink.
func (fd *feed) WriteFrame(_ frames.Stream, f *frames.Frame) { fd.b.write(fd, f) }

// follow moves the binding to src (nil: none). Called with t.mu held.
func (b *binding) follow(src frames.Source) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended {
		return
	}
	if b.unsubscribe != nil {
		b.unsubscribe()
		b.unsubscribe = nil
	}
	b.feed = &feed{b: b}
	if src != nil {
		// A new picture: the peer decodes it from a keyframe rather than
		// as a change to the last source's.
		_ = b.enc.ForceKeyFrame()
		b.unsubscribe = src.Subscribe(b.feed)
	}
}

// write encodes and sends f, from fd's source.
func (b *binding) write(fd *feed, f *frames.Frame) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended || fd != b.feed {
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
	if b.unsubscribe != nil {
		b.unsubscribe() // may run inside the fan-out's call: it allows that
		b.unsubscribe = nil
	}
	b.enc.Close()
	close(b.stop)
}

// Bind implements webrtc.TrackLocal: it picks VP8 among the negotiated
// codecs and starts encoding. The encoder exists when Bind returns (libvpx
// opens on the first frame), so EncoderController works at once. Nothing
// is sent before DTLS is up, and the first keyframe may be lost with what
// was written before; the receiver then asks for one (app/receive/pli.go).
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
		t.mu.Lock()
		t.bindings[ctx.ID()] = b
		t.ctl = b.enc
		b.follow(t.src)
		t.mu.Unlock()
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
