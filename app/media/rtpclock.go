package media

import (
	"math/rand/v2"
	"time"

	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/webrtc/v4"
)

// rtpTimer gives each encoded frame of one binding its RTP timestamp.
// The send loop calls it right after the encoder's Read, on the same
// goroutine.
type rtpTimer interface {
	timestamp(mediadevices.EncodedBuffer) uint32
}

// capturedClock is what a video encoder implements to report the capture
// time of the frame its Read returned last (vp8.Encoder does).
type capturedClock interface {
	Captured() time.Time
}

// videoTimer stamps video frames with their capture time on the codec
// clock (90 kHz for VP8).
func videoTimer(ctl codec.EncoderController, c webrtc.RTPCodecParameters) (rtpTimer, error) {
	enc, ok := ctl.(capturedClock)
	if !ok {
		return nil, ErrNoCaptureClock
	}
	return &captureTimer{enc: enc, rate: int64(c.ClockRate), base: rand.Uint32()}, nil
}

// captureTimer is a random start (RFC 3550) plus the time since the
// binding's first frame was captured.
type captureTimer struct {
	enc     capturedClock
	rate    int64
	base    uint32
	first   time.Time
	last    uint32
	started bool
}

func (c *captureTimer) timestamp(mediadevices.EncodedBuffer) uint32 {
	return c.at(c.enc.Captured())
}

// at returns the timestamp of a frame captured at t. Timestamps only move
// forward: two frames with one timestamp would be taken for one frame, so
// a capture time that does not advance (a driver's coarse clock) gets one
// tick more than the last.
func (c *captureTimer) at(t time.Time) uint32 {
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

// audioTimer stamps audio packets on the microphone's sample clock: each
// packet advances the timestamp by the samples it holds (960 for 20 ms of
// Opus; mediadevices reports the codec's frame size as Samples), and by
// the samples the device lost before it, read from dropped (cumulative, in
// sample frames at 48 kHz, which is both the capture rate OpenAudio
// insists on and Opus's RTP clock).
func audioTimer(dropped func() int64) func(codec.EncoderController, webrtc.RTPCodecParameters) (rtpTimer, error) {
	return func(codec.EncoderController, webrtc.RTPCodecParameters) (rtpTimer, error) {
		return &sampleTimer{next: rand.Uint32(), dropped: dropped, seen: dropped()}, nil
	}
}

// sampleTimer counts samples from a random start (RFC 3550).
type sampleTimer struct {
	next    uint32
	dropped func() int64
	seen    int64 // dropped samples already counted
}

func (c *sampleTimer) timestamp(b mediadevices.EncodedBuffer) uint32 {
	d := c.dropped()
	c.next += uint32(d - c.seen)
	c.seen = d
	ts := c.next
	c.next += b.Samples
	return ts
}
