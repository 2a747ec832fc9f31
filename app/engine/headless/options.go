package headless

import (
	"crypto/tls"

	"github.com/parleyhq/parley/app/media/voice"
	"io"
	"log/slog"
	"time"

	"github.com/pion/webrtc/v4"
)

// RoomEcho is an echo path from the speaker to the microphone.
type RoomEcho struct {
	Delay  time.Duration
	GainDB float64
	// Response, if set, is a room's impulse response (mono, 48 kHz) the
	// echo is also convolved with.
	Response []float32
}

// Options are the headless peer's command-line settings.
type Options struct {
	// Server is the ws:// or wss:// URL of the signaling server; "" runs
	// the built-in server, as the desktop window does, and with Discovery
	// meets the other desktops of the LAN on one of theirs.
	Server string
	// TLS checks Server's certificate; nil uses the system's authorities
	// (--join sets one that accepts exactly the link's certificate).
	TLS *tls.Config
	// Listen is the built-in server's address; "" means builtin.DefaultAddr.
	Listen string
	// Discovery advertises the built-in server on the LAN and follows the
	// other desktops'.
	Discovery bool
	// ConfigDir holds the built-in server's certificate (tls/) and the
	// pins of LAN servers joined; "" means the desktop app's config folder.
	ConfigDir string
	Name      string // the name to register
	Call      string // the user to call; empty to wait for a call

	AutoAnswer bool // accept incoming calls
	FakeMedia  bool // register app/media's test cameras and tone
	FakeWebcam bool // with FakeMedia: the webcam-like test cameras instead
	// MicFile, with FakeMedia, is a 16-bit PCM WAV file the test microphone
	// plays once, instead of the tone, from when the peer first reports
	// receiving our audio (about a second after the call connects).
	MicFile string
	// SpeakerFile, if set, receives everything the speaker played during
	// the call, from the moment it connected, as 48 kHz mono 16-bit WAV
	// with silence where nothing played, so that its timeline is real time.
	// The speaker is then a virtual one that plays in real time.
	SpeakerFile string
	// Speaker, if set, plays the call on a real playback device through
	// the system's sound server, as the desktop window does, with the echo
	// canceller told what it plays: a device name, or "default" for the
	// system's default. Without it, SpeakerFile or RoomEcho the headless
	// peer decodes and plays nothing.
	Speaker string
	// RoomEcho, with FakeMedia, makes the test microphone hear the virtual
	// speaker through a room: its output comes back Delay later at GainDB,
	// added to the microphone's own signal (--mic-file, else silence).
	RoomEcho *RoomEcho
	// Voice is the microphone processing (echo cancellation, noise
	// suppression, gain); main turns all three on unless --no-… says not.
	// The test tone is never processed (media.Unprocessed).
	Voice voice.Config

	// ICEServers are STUN/TURN servers (the signaling server may send
	// its own, which replace them).
	ICEServers []webrtc.ICEServer

	Camera, Microphone string // device names; "" for the defaults
	// SwitchCamera, if set, is the camera to switch to halfway through
	// Duration (a mid-call switch, for tests and demos).
	SwitchCamera  string
	Width, Height int // capture size; 0 for app/media's default

	// Duration is how long to stay in a call once it connects before
	// hanging up; the peer may hang up first.
	Duration time.Duration
	// Wait bounds the time from start until a call connects.
	Wait time.Duration

	// ICEDisconnected and ICERestartAfter tune how soon a silent
	// connection counts as down and is restarted (engine.Config); zero
	// keeps the engine's defaults.
	ICEDisconnected, ICERestartAfter time.Duration

	// Logger gets the engine's diagnostics (pion's too at debug); nil
	// discards them.
	Logger *slog.Logger

	StatsJSON string    // file for the final Result; "" for none
	Out       io.Writer // event lines go here
}
