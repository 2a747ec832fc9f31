package receive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/vp8"
)

// VideoConfig says where a video receiver's pictures and keyframe requests go.
type VideoConfig struct {
	// Sink receives every decoded picture as frames.Remote, at once, on the
	// receiver's goroutine. Required.
	Sink frames.Sink
	// RequestKeyFrame sends a PLI to the sender. It is called at most once
	// per 500 ms. May be nil (nothing is requested).
	RequestKeyFrame func()
	// Logger gets decode errors at debug level. May be nil.
	Logger *slog.Logger
}

// VideoReceiver decodes one remote VP8 track into pictures.
type VideoReceiver struct {
	track RTPReader
	cfg   VideoConfig
	key   *keyFrameRequester
	stats videoCounters
}

// Configuration errors from NewVideoReceiver and NewAudioReceiver.
var (
	ErrNoSink  = errors.New("receive: video config has no sink")
	ErrNoTrack = errors.New("receive: no track")
)

// NewVideoReceiver prepares a receiver for track; Run does the work.
func NewVideoReceiver(track RTPReader, cfg VideoConfig) (*VideoReceiver, error) {
	if track == nil {
		return nil, ErrNoTrack
	}
	if cfg.Sink == nil {
		return nil, ErrNoSink
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &VideoReceiver{
		track: track,
		cfg:   cfg,
		key:   newKeyFrameRequester(cfg.RequestKeyFrame, pliInterval),
	}, nil
}

// Stats returns the receiver's counters; safe to call at any time.
func (r *VideoReceiver) Stats() VideoStats { return r.stats.snapshot() }

// maxFrameBytes bounds one compressed VP8 frame; a bigger one counts as a
// decode error. A 4K keyframe at a high bitrate is a few hundred kilobytes.
const maxFrameBytes = 1 << 20

// Run reads, rebuilds and decodes frames until ctx ends or the track
// closes, and returns nil for either. A frame that fails to decode is
// counted, a keyframe is requested and decoding goes on. Each picture goes
// to the sink in the decoder's reused buffer, so a frame costs no
// allocation; sinks copy what they keep (see frames.Frame). Run starts no
// goroutine; if the track has SetReadDeadline (a *webrtc.TrackRemote does)
// a cancelled ctx also unblocks a pending read. Run may be called once.
func (r *VideoReceiver) Run(ctx context.Context) error {
	src := newSource(ctx, r.track, r.stats.badPacket)
	defer src.close()
	in := newVP8Frames(src, r.key, &r.stats, r.cfg.Logger)
	dec, err := vp8.NewDecoder()
	if err != nil {
		return fmt.Errorf("receive: start vp8 decoder: %w", err)
	}
	defer dec.Close()

	buf := make([]byte, maxFrameBytes)
	for {
		n, err := in.Read(buf)
		if err != nil {
			return endOf(err)
		}
		fr, err := dec.Decode(buf[:n])
		if err != nil {
			r.stats.decodeError()
			r.cfg.Logger.Debug("vp8 decode failed", "err", err)
			in.afterError()
			continue
		}
		if fr == nil {
			continue // decoded but not for showing
		}
		fr.Captured = time.Now()
		r.cfg.Sink.WriteFrame(frames.Remote, fr)
		r.stats.decoded(fr.Width, fr.Height, fr.Captured)
	}
}

// endOf turns the reason a source stopped into Run's result: the normal
// ends (cancelled, track closed) are nil.
func endOf(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errTrackEnded) {
		return nil
	}
	return err
}
