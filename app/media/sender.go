package media

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
)

// rtpMTU is the payload size mediadevices packetizes for, kept so packets
// stay the size they were.
const rtpMTU = 1200

// ErrNoCaptureClock is what Bind reports when no negotiated codec has a
// payloader here, and what ends the track (OnEnded) when the encoder made
// for the codec cannot say when its frames were captured (every encoder in
// NewCodecSelector can).
var ErrNoCaptureClock = errors.New("media: video encoder does not report capture times")

// capturedClock is what an encoder implements to report the capture time
// of the frame its Read returned last (vp8.Encoder does).
type capturedClock interface {
	Captured() time.Time
}

// videoSender is the camera track as PeerConnections send it. It replaces
// mediadevices' Bind, whose packetizer stamps each frame with the
// wall-clock time between encoder outputs (newVideoSampler): the time a
// frame takes to encode varies, by tens of milliseconds on a loaded
// machine, and that variation went into the RTP timestamps, so receivers
// played frames to the encoder's rhythm rather than the camera's, and lip
// sync compared the audio's sample clock with the video's send times. Here
// every frame's RTP timestamp is its capture time on the codec clock, as
// libwebrtc does; a receiver then sees the sender's own delay variation as
// jitter and buffers for it (docs/benchmarks.md has the measurements).
type videoSender struct {
	*mediadevices.VideoTrack

	mu       sync.Mutex
	bindings map[string]*binding
	ctl      codec.EncoderController // of the latest binding
	onEnded  func(error)
	endErr   error
	endOnce  sync.Once
}

func newVideoSender(t *mediadevices.VideoTrack) *videoSender {
	s := &videoSender{VideoTrack: t, bindings: map[string]*binding{}}
	t.OnEnded(s.fail)
	return s
}

// binding is one PeerConnection sending the track.
type binding struct {
	stop chan struct{} // closed by Unbind
	done chan struct{} // closed when the send loop has ended
}

// Bind implements webrtc.TrackLocal: it picks the first negotiated codec
// Parley can packetize and starts encoding it.
//
// The encoder is made after Bind has returned, by the binding's goroutine:
// mediadevices reads a frame to learn the picture's format before it makes
// one, which is 17 ms on average at 30 fps (BenchmarkEncoderStart), and
// pion binds before it starts ICE on the caller's side and before the
// answer goes out on the callee's. Nothing can be sent before DTLS is up
// anyway. If the encoder cannot be made, the track ends with the error
// (OnEnded), as it would for a failed encoder later.
func (s *videoSender) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	var errs []error
	for _, c := range ctx.CodecParameters() {
		pay := payloaderFor(c.MimeType)
		if pay == nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.MimeType, ErrNoCaptureClock))
			continue
		}
		b := &binding{stop: make(chan struct{}), done: make(chan struct{})}
		s.mu.Lock()
		s.bindings[ctx.ID()] = b
		s.mu.Unlock()
		p := rtp.NewPacketizer(rtpMTU, uint8(c.PayloadType), uint32(ctx.SSRC()), pay, rtp.NewRandomSequencer(), c.ClockRate)
		go s.start(b, c.MimeType, p, newRTPClock(c.ClockRate), ctx.WriteStream(), ctx.RTCPReader())
		return c, nil
	}
	if len(errs) == 0 {
		return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
	}
	return webrtc.RTPCodecParameters{}, errors.Join(errs...)
}

// start makes the binding's encoder, then sends until Unbind.
func (s *videoSender) start(b *binding, mime string, p rtp.Packetizer, rc *rtpClock, w webrtc.TrackLocalWriter, rtcpIn interceptor.RTCPReader) {
	enc, err := s.VideoTrack.NewEncodedReader(mime)
	if err != nil {
		close(b.done)
		s.fail(fmt.Errorf("%s: %w", mime, err))
		return
	}
	ctl := enc.Controller()
	clock, ok := ctl.(capturedClock)
	if !ok {
		enc.Close()
		close(b.done)
		s.fail(fmt.Errorf("%s: %w", mime, ErrNoCaptureClock))
		return
	}
	s.mu.Lock()
	s.ctl = ctl
	s.mu.Unlock()
	if kf, ok := ctl.(codec.KeyFrameController); ok {
		go keyFrameRequests(b, rtcpIn, kf)
	}
	s.send(b, enc, clock, p, rc, w)
}

// Unbind implements webrtc.TrackLocal. It returns once the binding's
// encoder is closed (or, if it was still being made, once it is made and
// closed), which takes until the frame being read is in (at most one frame
// interval).
func (s *videoSender) Unbind(ctx webrtc.TrackLocalContext) error {
	s.mu.Lock()
	b := s.bindings[ctx.ID()]
	delete(s.bindings, ctx.ID())
	s.mu.Unlock()
	if b == nil {
		return nil
	}
	close(b.stop)
	<-b.done
	return nil
}

// EncoderController is the latest binding's encoder (nil until the first
// binding's encoder is made, a frame after Bind):
// codec.KeyFrameController and codec.BitRateController.
func (s *videoSender) EncoderController() codec.EncoderController {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ctl
}

// OnEnded registers the handler for the track's first error: the camera's
// (reported through mediadevices) or an encoder's. Like mediadevices, a
// handler registered after the error is called at once.
func (s *videoSender) OnEnded(h func(error)) {
	s.mu.Lock()
	s.onEnded = h
	err := s.endErr
	s.mu.Unlock()
	if err != nil && h != nil {
		s.endOnce.Do(func() { h(err) })
	}
}

func (s *videoSender) fail(err error) {
	s.mu.Lock()
	if s.endErr == nil {
		s.endErr = err
	}
	err, h := s.endErr, s.onEnded
	s.mu.Unlock()
	if h != nil {
		s.endOnce.Do(func() { h(err) })
	}
}

// send encodes frames and writes their packets, stamped with their capture
// time, until Unbind or the source ends. A failed write ends only this
// binding: it means the PeerConnection is closing, which is no reason to
// end the camera for everyone else (mediadevices ends the track for good).
func (s *videoSender) send(b *binding, enc mediadevices.EncodedReadCloser, clock capturedClock, p rtp.Packetizer, rc *rtpClock, w webrtc.TrackLocalWriter) {
	defer close(b.done)
	defer enc.Close()
	for {
		select {
		case <-b.stop:
			return
		default:
		}
		frame, release, err := enc.Read()
		if err != nil {
			s.fail(err)
			return
		}
		ts := rc.at(clock.Captured())
		pkts := p.Packetize(frame.Data, 0)
		release()
		for _, pkt := range pkts {
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

// payloaderFor returns the RTP payloader for a video codec Parley encodes.
func payloaderFor(mime string) rtp.Payloader {
	if strings.EqualFold(mime, webrtc.MimeTypeVP8) {
		return &codecs.VP8Payloader{}
	}
	return nil
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
