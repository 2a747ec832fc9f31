// Package audio plays decoded call audio: it lists the speakers (playback
// devices) through miniaudio (malgo), opens one by name, and offers outputs
// that need no hardware (discard, capture) for headless peers and tests.
//
// All PCM here is 48 kHz float32 in [-1, 1], interleaved when stereo: the
// rate Opus decodes at, so nothing on the receive path resamples.
package audio

import (
	"errors"
	"fmt"
	"time"
)

// SampleRate is the only rate an Output accepts.
const SampleRate = 48000

// Output consumes decoded audio.
type Output interface {
	// Write queues interleaved samples with channels 1 or 2 for playback.
	// It must not block the receive path: an output that falls behind
	// drops audio instead. The caller may reuse pcm after Write returns.
	Write(pcm []float32, channels int) error
	// Close stops playback and frees the device; further Writes fail.
	Close() error
}

// Arrivals is the optional part of an Output with a jitter buffer
// (Speaker, Virtual): the receive path reports each packet as it arrives,
// with its media time (its RTP timestamp, unwrapped, as time since the
// stream's first packet). The playout delay then follows the network's
// jitter alone, as NetEq's does; without reports it follows the writes,
// which losses, concealment and skipped gaps also move.
type Arrivals interface {
	Arrived(media time.Duration)
}

// Errors an Output or the device functions return.
var (
	// ErrNoSpeaker: the machine has no usable playback device or audio system.
	ErrNoSpeaker = errors.New("audio: no speaker")
	// ErrSpeakerNotFound: no speaker has the requested name (unplugged?).
	ErrSpeakerNotFound = errors.New("audio: speaker not found")
	// ErrClosed: the output was closed.
	ErrClosed = errors.New("audio: output closed")
)

// ChannelsError reports a Write with a channel count other than 1 or 2.
type ChannelsError struct{ Channels int }

func (e *ChannelsError) Error() string {
	return fmt.Sprintf("audio: %d channels; want 1 or 2", e.Channels)
}

func checkChannels(channels int) error {
	if channels != 1 && channels != 2 {
		return &ChannelsError{Channels: channels}
	}
	return nil
}
