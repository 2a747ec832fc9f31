package receive

import (
	"context"
	"errors"
	"io"
	"net"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
)

// RTPReader is what a receiver reads packets from. *webrtc.TrackRemote
// satisfies it; tests feed packets through their own implementation.
type RTPReader interface {
	ReadRTP() (*rtp.Packet, interceptor.Attributes, error)
}

// deadlineSetter is the optional part of a track that lets a receiver stop
// a blocking ReadRTP when its context ends. A TrackRemote's ReadRTP would
// otherwise block until the PeerConnection closes, and the receiver's
// goroutine would outlive its context.
type deadlineSetter interface {
	SetReadDeadline(time.Time) error
}

// maxBadPackets is how many consecutive unreadable packets a receiver skips
// before it gives up on the track: a single malformed packet must not end a
// call, but a source that only ever fails must not spin forever.
const maxBadPackets = 1000

// errTrackEnded reports that the remote track closed (the peer hung up or
// the PeerConnection was closed); Run turns it into nil, the normal end.
var errTrackEnded = errors.New("receive: track ended")

// source reads packets from a track until ctx ends or the track closes.
type source struct {
	ctx   context.Context
	track RTPReader
	stop  func() bool
	bad   int
	// deadlines: the track has SetReadDeadline, which nextBefore sets on
	// every read (a deadline left from one wait must not cut the next).
	deadlines bool
	// onBad counts a packet that could not be read but did not end the track.
	onBad func()
}

// newSource wraps track. When ctx ends it sets an immediate read deadline
// on the track (if the track supports deadlines) so the blocked read returns.
// close must be called to release the context watch.
func newSource(ctx context.Context, track RTPReader, onBad func()) *source {
	s := &source{ctx: ctx, track: track, onBad: onBad, stop: func() bool { return false }}
	if d, ok := track.(deadlineSetter); ok {
		s.deadlines = true
		// Clear a deadline left by an earlier receiver of the same track.
		_ = d.SetReadDeadline(time.Time{})
		s.stop = context.AfterFunc(ctx, func() {
			_ = d.SetReadDeadline(time.Unix(1, 0))
		})
	}
	return s
}

func (s *source) close() { s.stop() }

// errWaited is what nextBefore returns when its deadline passed first.
var errWaited = errors.New("receive: no packet before the deadline")

// next returns the next packet. Its error is ctx.Err() when the context
// ended, errTrackEnded when the track closed, or the reader's error after
// too many unreadable packets in a row.
func (s *source) next() (*rtp.Packet, error) { return s.nextBefore(time.Time{}) }

// nextBefore is next, giving up with errWaited at deadline (zero: never)
// when the track has read deadlines.
func (s *source) nextBefore(deadline time.Time) (*rtp.Packet, error) {
	d, timed := s.track.(deadlineSetter)
	for {
		if timed && s.deadlines {
			// Set before ctx is checked: a cancel after the check sets
			// its own deadline after this one, so the read still ends.
			_ = d.SetReadDeadline(deadline)
		}
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		p, _, err := s.track.ReadRTP()
		if err == nil && p != nil {
			s.bad = 0
			return p, nil
		}
		if cerr := s.ctx.Err(); cerr != nil {
			return nil, cerr
		}
		if err == nil || isClosed(err) {
			return nil, errTrackEnded
		}
		var te interface{ Timeout() bool }
		if !deadline.IsZero() && errors.As(err, &te) && te.Timeout() && !time.Now().Before(deadline) {
			return nil, errWaited
		}
		s.bad++
		if s.onBad != nil {
			s.onBad()
		}
		if s.bad >= maxBadPackets {
			return nil, err
		}
	}
}

// isClosed reports whether err means the track will deliver no more packets.
func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe) ||
		errors.Is(err, net.ErrClosed)
}
