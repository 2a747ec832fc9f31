package media

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
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
// the same fan-out as the previews; it encodes the newest frame each time
// it is free, so a slow encoder skips frames rather than falls behind.
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
	quit   chan struct{} // closed by close: every binding ends

	mu       sync.Mutex
	bindings map[string]*binding
	ctl      *vp8.Encoder // of the latest binding
	closed   bool
}

func newVideoTrack(v *Video, params vp8.Params, fps float32) *VideoTrack {
	return &VideoTrack{
		v: v, params: params, fps: fps, encode: (*vp8.Encoder).Encode,
		quit: make(chan struct{}), bindings: map[string]*binding{},
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

// binding is one PeerConnection sending the track. It is a frames.Sink
// on the camera's fan-out that keeps only the newest frame.
type binding struct {
	stop   chan struct{} // closed by Unbind
	done   chan struct{} // closed when the send loop has ended
	ready  chan struct{} // a frame is waiting in latest
	latest atomic.Pointer[frames.Frame]
}

// WriteFrame implements frames.Sink. The camera's frames each have a
// buffer of their own that nothing writes after, so the binding keeps the
// pointer and encodes it on its own goroutine.
func (b *binding) WriteFrame(_ frames.Stream, f *frames.Frame) {
	b.latest.Store(f)
	select {
	case b.ready <- struct{}{}:
	default:
	}
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
		enc := vp8.NewEncoder(t.fps, t.params)
		b := &binding{stop: make(chan struct{}), done: make(chan struct{}), ready: make(chan struct{}, 1)}
		t.mu.Lock()
		if t.closed {
			t.mu.Unlock()
			return webrtc.RTPCodecParameters{}, errTrackClosed
		}
		t.bindings[ctx.ID()] = b
		t.ctl = enc
		t.mu.Unlock()
		p := rtp.NewPacketizer(rtpMTU, uint8(c.PayloadType), uint32(ctx.SSRC()), &codecs.VP8Payloader{}, rtp.NewRandomSequencer(), c.ClockRate)
		go keyFrameRequests(b, ctx.RTCPReader(), enc)
		go t.send(b, enc, p, newRTPClock(c.ClockRate), ctx.WriteStream())
		return c, nil
	}
	if len(errs) == 0 {
		return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
	}
	return webrtc.RTPCodecParameters{}, errors.Join(errs...)
}

// Unbind implements webrtc.TrackLocal. It returns once the binding's
// encoder is closed, which takes until the frame being encoded is done.
func (t *VideoTrack) Unbind(ctx webrtc.TrackLocalContext) error {
	t.mu.Lock()
	b := t.bindings[ctx.ID()]
	delete(t.bindings, ctx.ID())
	t.mu.Unlock()
	if b == nil {
		return nil
	}
	close(b.stop)
	<-b.done
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

// close ends every binding's send loop; the camera calls it when it
// closes. Unbind still waits for them.
func (t *VideoTrack) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.closed {
		t.closed = true
		close(t.quit)
	}
}

// send subscribes b to the camera and encodes and writes its frames,
// stamped with their capture time, until Unbind or the camera closes. A
// failed write ends only this binding: it means the PeerConnection is
// closing, which is no reason to stop the camera for everyone else.
func (t *VideoTrack) send(b *binding, enc *vp8.Encoder, p rtp.Packetizer, rc *rtpClock, w webrtc.TrackLocalWriter) {
	defer close(b.done)
	defer enc.Close()
	defer t.v.subscribe(b)()
	for {
		select {
		case <-b.stop:
			return
		case <-t.quit:
			return
		case <-b.ready:
		}
		f := b.latest.Swap(nil)
		if f == nil {
			continue
		}
		frame, err := t.encode(enc, f)
		if err != nil {
			return // closed, or a frame libvpx refused: either way, done
		}
		ts := rc.at(f.Captured)
		for _, pkt := range p.Packetize(frame, 0) {
			pkt.Timestamp = ts
			if _, err := w.WriteRTP(&pkt.Header, pkt.Payload); err != nil {
				return
			}
		}
	}
}

// keyFrameRequests answers PLI and FIR from the receiver with a keyframe,
// until the sender's RTCP ends (the PeerConnection stops it) or, after
// Unbind, the next packet arrives.
func keyFrameRequests(b *binding, r interceptor.RTCPReader, kf codec.KeyFrameController) {
	buf := make([]byte, 1500)
	for {
		n, _, err := r.Read(buf, interceptor.Attributes{})
		if err != nil {
			return
		}
		select {
		case <-b.stop:
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
