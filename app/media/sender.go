package media

import (
	"errors"
	"fmt"
	"strings"
	"sync"

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

// Errors Bind reports when it cannot send a negotiated codec.
var (
	// ErrCodecNotSent: no payloader for the codec here (Parley sends VP8
	// and Opus).
	ErrCodecNotSent = errors.New("media: codec is not one Parley sends")
	// ErrNoCaptureClock: the video encoder cannot say when its frames
	// were captured (every encoder NewCodecSelector builds can).
	ErrNoCaptureClock = errors.New("media: video encoder does not report capture times")
)

// sender is a camera's or microphone's track as PeerConnections send it.
// It replaces mediadevices' Bind, whose packetizer stamps each video frame
// with the wall-clock time between encoder outputs (newVideoSampler): the
// time a frame takes to encode varies, by tens of milliseconds on a loaded
// machine, and that variation became jitter in the RTP timestamps, which
// receivers' jitter buffers (Chromium's especially) absorb by holding
// frames longer, and which put video out of step with audio (lip sync
// compares the two streams' timestamps). Here the timestamps come from the
// capture clocks (see rtpclock.go): video frames carry their capture time,
// audio packets advance by the samples they hold plus any the device lost.
type sender struct {
	mediadevices.Track
	timer func(codec.EncoderController, webrtc.RTPCodecParameters) (rtpTimer, error)

	mu       sync.Mutex
	bindings map[string]*binding
	ctl      codec.EncoderController // of the latest binding
	onEnded  func(error)
	endErr   error
	endOnce  sync.Once
}

func newSender(t mediadevices.Track, timer func(codec.EncoderController, webrtc.RTPCodecParameters) (rtpTimer, error)) *sender {
	s := &sender{Track: t, timer: timer, bindings: map[string]*binding{}}
	t.OnEnded(s.fail)
	return s
}

// binding is one PeerConnection sending the track.
type binding struct {
	stop chan struct{} // closed by Unbind
	done chan struct{} // closed when the send loop has ended
}

// Bind implements webrtc.TrackLocal: it starts encoding for the first
// negotiated codec the selector can encode.
func (s *sender) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	var errs []error
	for _, c := range ctx.CodecParameters() {
		pay := payloaderFor(c.MimeType)
		if pay == nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.MimeType, ErrCodecNotSent))
			continue
		}
		enc, err := s.Track.NewEncodedReader(c.MimeType)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.MimeType, err))
			continue
		}
		ctl := enc.Controller()
		timer, err := s.timer(ctl, c)
		if err != nil {
			enc.Close()
			errs = append(errs, fmt.Errorf("%s: %w", c.MimeType, err))
			continue
		}
		b := &binding{stop: make(chan struct{}), done: make(chan struct{})}
		s.mu.Lock()
		s.bindings[ctx.ID()] = b
		s.ctl = ctl
		s.mu.Unlock()
		p := rtp.NewPacketizer(rtpMTU, uint8(c.PayloadType), uint32(ctx.SSRC()), pay, rtp.NewRandomSequencer(), c.ClockRate)
		go s.send(b, enc, timer, p, ctx.WriteStream())
		if kf, ok := ctl.(codec.KeyFrameController); ok {
			go keyFrameRequests(b, ctx.RTCPReader(), kf)
		}
		return c, nil
	}
	if len(errs) == 0 {
		return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
	}
	return webrtc.RTPCodecParameters{}, errors.Join(errs...)
}

// Unbind implements webrtc.TrackLocal. It returns once the binding's
// encoder is closed, which takes until the frame being read is in (at most
// one frame interval).
func (s *sender) Unbind(ctx webrtc.TrackLocalContext) error {
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

// EncoderController is the latest binding's encoder (nil before the first
// Bind): codec.KeyFrameController and codec.BitRateController.
func (s *sender) EncoderController() codec.EncoderController {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ctl
}

// OnEnded registers the handler for the track's first error: the camera's
// (reported through mediadevices) or an encoder's. Like mediadevices, a
// handler registered after the error is called at once.
func (s *sender) OnEnded(h func(error)) {
	s.mu.Lock()
	s.onEnded = h
	err := s.endErr
	s.mu.Unlock()
	if err != nil && h != nil {
		s.endOnce.Do(func() { h(err) })
	}
}

func (s *sender) fail(err error) {
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

// send encodes frames and writes their packets, stamped by timer, until
// Unbind or the source ends. A failed write ends only this
// binding: it means the PeerConnection is closing, which is no reason to
// end the camera for everyone else (mediadevices ends the track for good).
func (s *sender) send(b *binding, enc mediadevices.EncodedReadCloser, timer rtpTimer, p rtp.Packetizer, w webrtc.TrackLocalWriter) {
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
		ts := timer.timestamp(frame)
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

// payloaderFor returns the RTP payloader for a codec Parley sends.
func payloaderFor(mime string) rtp.Payloader {
	switch {
	case strings.EqualFold(mime, webrtc.MimeTypeVP8):
		return &codecs.VP8Payloader{}
	case strings.EqualFold(mime, webrtc.MimeTypeOpus):
		return &codecs.OpusPayloader{}
	}
	return nil
}
