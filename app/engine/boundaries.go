package engine

import (
	"context"

	"github.com/parleyhq/parley/app/call"
	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/signaling/protocol"
)

// Signaling is the engine's view of a registered signaling connection;
// *signaling/client.Client satisfies it. Connecting, registering a name and
// keeping the user list are the connection's business; the engine sends and
// receives protocol messages.
type Signaling interface {
	// Send delivers one message to the server. It must be safe for
	// concurrent use: candidates are sent from pion's goroutines.
	Send(ctx context.Context, m *protocol.Message) error
	// Messages delivers what the server sends after registration; it is
	// closed when the connection ends, and Err then says why.
	Messages() <-chan *protocol.Message
	Err() error
	// Name is the name the server registered; Users the users online as
	// last reported, this user included.
	Name() string
	Users() []string
}

// Devices opens the local camera and microphone. Device names are the
// stable names app/media lists ("" means the default device).
type Devices interface {
	// Codecs returns the encoders the tracks use, for the call to offer.
	Codecs() call.CodecRegistrar
	// NewVideoTrack returns the track one call sends its video on,
	// sending nothing until it is given a source.
	NewVideoTrack() VideoTrack
	// OpenCamera opens a camera.
	OpenCamera(ctx context.Context, name string) (Camera, error)
	// OpenMicrophone opens a microphone.
	OpenMicrophone(ctx context.Context, name string) (Microphone, error)
}

// Camera is an open camera. Its pictures (frames.Local) go to the
// previews and to the VideoTrack of the call that sends it.
type Camera interface {
	frames.Source
	// Close stops the device.
	Close() error
}

// VideoTrack is what a call sends as video: the pictures of one source at
// a time. A camera switch, or the camera turned off, changes its source
// and not the call's track, so the peer receives one unbroken stream.
type VideoTrack interface {
	call.Track
	// SetSource sends src's pictures from the next one on; nil sends none.
	SetSource(src frames.Source)
}

// Microphone is an open microphone.
type Microphone interface {
	// Track is what a call sends. It may be sent by one call at a time;
	// a call replaces it to mute or to switch microphones.
	Track() call.Track
	// Close stops the device.
	Close() error
}
