package call

import (
	"log/slog"

	"github.com/pion/mediadevices/pkg/codec"
)

// Bitrate bounds for the video encoder. Below 150 kbit/s VP8 at VGA turns to
// mush and a call is better served by the congestion controller's own
// back-off; above 2.5 Mbit/s 720p30 gains nothing visible. The default start
// suits VGA; callers that know the capture size pass a fitted one
// (app/media/vp8.BitrateFor).
const (
	DefaultMinBitrate   = 150_000
	DefaultMaxBitrate   = 2_500_000
	DefaultStartBitrate = 800_000
)

func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}

// setVideoBitrate asks the encoder bound to track for rate bits/s. The
// controller exists only while the track is bound to a PeerConnection, so
// it is looked up each time.
func setVideoBitrate(track Track, rate int) bool {
	if track == nil {
		return false
	}
	ctl, ok := track.EncoderController().(codec.BitRateController)
	if !ok {
		return false
	}
	return ctl.SetBitRate(rate) == nil
}

func (c *Config) fillDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ICEDisconnected <= 0 {
		c.ICEDisconnected = DefaultICEDisconnected
	}
	if c.ICEFailed <= 0 {
		c.ICEFailed = DefaultICEFailed
	}
	if c.MinBitrate <= 0 {
		c.MinBitrate = DefaultMinBitrate
	}
	if c.MaxBitrate <= 0 {
		c.MaxBitrate = DefaultMaxBitrate
	}
	if c.MaxBitrate < c.MinBitrate {
		c.MaxBitrate = c.MinBitrate
	}
	if c.StartBitrate <= 0 {
		c.StartBitrate = DefaultStartBitrate
	}
	c.StartBitrate = clamp(c.StartBitrate, c.MinBitrate, c.MaxBitrate)
}
