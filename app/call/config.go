package call

import (
	"context"
	"log/slog"
	"time"

	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/signaling/protocol"
)

// CodecRegistrar registers the codecs the local tracks can encode (and so
// the ones the call can offer) with a MediaEngine. *mediadevices.CodecSelector
// satisfies it; app/media builds the one Parley uses.
type CodecRegistrar interface {
	Populate(*webrtc.MediaEngine)
}

// Config is what one call needs from the engine.
type Config struct {
	// ICEServers are the STUN and TURN servers (with credentials) to gather
	// candidates from. Empty means host candidates only, which is enough on
	// one machine or one LAN.
	ICEServers []webrtc.ICEServer

	// Codecs fills the MediaEngine. Required: without it there is nothing to
	// offer and nothing to accept.
	Codecs CodecRegistrar

	// Video and Audio are the local tracks to send. Either may be nil to send
	// nothing of that kind; the call still offers to receive it.
	//
	// Video is sent for the whole call: a camera switch or the camera
	// turned off changes what the track sends (app/media.VideoTrack's
	// source), not the track, and the track numbers its own packets. Audio
	// can be replaced during the call (SetAudio).
	Video, Audio Track

	// StartBitrate is the video bitrate (bits/s) the congestion controller
	// starts from, best fitted to the capture size so that a LAN peer sees
	// full resolution at once. MinBitrate and MaxBitrate clamp what it may
	// later ask of the encoder. Zero values get the Default* constants.
	StartBitrate, MinBitrate, MaxBitrate int

	// Signal receives every message the call produces for the peer: offers,
	// answers (Type and SDP set) and candidates (Type and Candidate set). The
	// engine fills in the target and sends it. It is called from pion's
	// goroutines as well as the caller's, so it must be safe for concurrent
	// use, and must not block for long.
	Signal func(*protocol.Message)

	// OnTrack handles one remote track: it reads and decodes until ctx is
	// done or the track ends. The call runs it on its own goroutine and waits
	// for it in Close.
	OnTrack func(ctx context.Context, track *webrtc.TrackRemote, receiver *webrtc.RTPReceiver)

	// Logger receives pion's logs. Nil discards them.
	Logger *slog.Logger

	// OnState reports PeerConnection state changes (connected, failed,
	// closed...). Called from pion's goroutines; must not block.
	OnState func(webrtc.PeerConnectionState)

	// ICEDisconnected is how long without a packet from the peer before
	// the connection counts as disconnected (the engine then restarts ICE
	// or, if the peer has also left the server, ends the call), and
	// ICEFailed how long after that before it fails for good. Zero values
	// get DefaultICEDisconnected and DefaultICEFailed.
	ICEDisconnected, ICEFailed time.Duration
}

// ICE timing defaults. pion's own are 5 s and 25 s; 2 s notices a dead
// link or a killed peer soon enough to end the call (with the engine's
// grace for a peer that reconnects) within the 5 s a user waits before
// hanging up, and media packets or keepalives arrive at least every second,
// so 2 s of silence is never a healthy call.
const (
	DefaultICEDisconnected = 2 * time.Second
	DefaultICEFailed       = 25 * time.Second
	// iceKeepalive is how often ICE sends a binding request when no media
	// flows (camera off and muted), which keeps the disconnected timer
	// from firing on a quiet but healthy call.
	iceKeepalive = time.Second
)

// Track is a local track a call sends: a webrtc.TrackLocal whose encoder
// the call steers (bitrate, keyframes, loss). app/media's camera track and
// mediadevices' microphone track are both.
type Track interface {
	webrtc.TrackLocal
	// EncoderController is the latest binding's encoder, nil before one.
	EncoderController() codec.EncoderController
}
