// Command parley is the Parley video-call app. With --headless it runs the
// call engine without a window (for tests, servers and checks); otherwise
// it opens the desktop window, which only builds with the desktop tags
// (make run).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/app/builtin"
	"github.com/parleyhq/parley/app/engine/headless"
	"github.com/parleyhq/parley/app/media/voice"
	"github.com/parleyhq/parley/app/media/wav"
	"github.com/parleyhq/parley/signaling/client"
	"github.com/parleyhq/parley/signaling/invite"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK       = 0
	exitFailed   = 1 // the call did not connect or media did not flow
	exitUsage    = 2
	exitNoServer = 3 // could not connect or register
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parley", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		showVersion = fs.Bool("version", false, "print the version and exit")
		headlessRun = fs.Bool("headless", false, "run without a window: connect, take part in one call, report")
		join        = fs.String("join", "", "invite link of a Parley server to join (https://HOST:PORT/?fp=…, as Settings shows it, or parley://…): its certificate is accepted by the fingerprint in the link")
		noDiscovery = fs.Bool("no-discovery", false, "do not look for other Parley desktops on the LAN, nor advertise the built-in server")
		o           headless.Options
	)
	fs.StringVar(&o.Listen, "listen", builtin.DefaultAddr, "address of the built-in signaling server, run when no server is set (HTTPS/WSS)")
	fs.StringVar(&o.Server, "server", "", "signaling server URL (default: the built-in server, or another desktop's found on the LAN)")
	fs.StringVar(&o.Name, "name", "", "user name to register (required with --headless)")
	fs.StringVar(&o.Call, "call", "", "user to call (headless); without it, wait for a call")
	fs.BoolVar(&o.AutoAnswer, "auto-answer", false, "accept incoming calls without asking (headless)")
	fs.BoolVar(&o.FakeMedia, "fake-media", false, "use the built-in test cameras and test tone")
	fs.BoolVar(&o.FakeWebcam, "fake-webcam", false, "like --fake-media, with webcam-like test cameras instead: a USB webcam's modes (MJPEG 720p and 1080p at 30 fps, YUYV 480p30 and 720p10), read and converted as a real webcam's frames are")
	noEcho := fs.Bool("no-echo-cancel", false, "headless: do not cancel echo on the microphone (Settings has the same switch)")
	noNoise := fs.Bool("no-noise-suppression", false, "headless: do not suppress noise on the microphone")
	noGain := fs.Bool("no-auto-gain", false, "headless: do not control the microphone's gain")
	fs.StringVar(&o.SpeakerFile, "speaker-file", "", "headless: write everything the speaker plays during the call to this WAV file (48 kHz mono, real-time timeline from the moment the call connects)")
	fs.StringVar(&o.Speaker, "speaker", "", "headless: play the call on this real speaker (a device name, or \"default\"), with the echo canceller told what it plays; without it nothing is played")
	roomEcho := fs.String("room-echo", "", "headless, with --fake-media: DELAY_MS:GAIN_DB, e.g. 70:-3; the test microphone also hears the speaker's output through a room (it then plays --mic-file or silence, not the tone)")
	roomIR := fs.String("room-echo-ir", "", "headless, with --room-echo: a WAV impulse response (mono, any rate of 8 kHz or more) the echo is also convolved with, a room's reverberation")
	fs.StringVar(&o.MicFile, "mic-file", "", "headless, with --fake-media: a 16-bit PCM WAV (mono or stereo, 8 kHz or more) the test microphone plays once, instead of the tone, from when the peer first reports receiving our audio (about a second after the call connects)")
	fs.StringVar(&o.Camera, "camera", "", "camera name (default: the preferred camera)")
	fs.StringVar(&o.SwitchCamera, "switch-camera", "", "camera to switch to halfway through --duration (headless)")
	fs.StringVar(&o.Microphone, "mic", "", "microphone name (default: the preferred microphone)")
	fs.IntVar(&o.Width, "width", 640, "capture width")
	fs.IntVar(&o.Height, "height", 480, "capture height")
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "how long to stay in a connected call (headless)")
	fs.DurationVar(&o.Wait, "wait", 2*time.Minute, "how long to wait for a call to connect (headless)")
	var ice iceFlags
	fs.Var(&ice.urls, "ice", "STUN or TURN server URL, e.g. stun:host:3478 or turn:host:3478?transport=udp (repeatable)")
	fs.StringVar(&ice.username, "ice-username", "", "username for the TURN servers given with --ice")
	fs.StringVar(&ice.credential, "ice-credential", "", "credential for the TURN servers given with --ice")
	fs.DurationVar(&o.ICEDisconnected, "ice-disconnected", 0, "silence from the peer before the connection counts as down (headless; 0: the engine's 3s)")
	fs.DurationVar(&o.ICERestartAfter, "ice-restart-after", 0, "how long a connection may stay down before ICE restarts (headless; 0: the engine's 3s)")
	var measure measureFlags
	measure.register(fs)
	logLevel := fs.String("log-level", "", "log diagnostics to stderr at this level: debug, info, warn, error (default: none headless, info in the window)")
	fs.StringVar(&o.StatsJSON, "stats-json", "", "write the final statistics as JSON to this file (headless)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	// The webcam-like cameras are test media too: virtual speakers, the
	// tone, and every rule --fake-media brings.
	o.FakeMedia = o.FakeMedia || o.FakeWebcam
	// The system's URL handler starts the app with the link as its one
	// argument (the .desktop file's Exec=parley %u).
	if fs.NArg() == 1 && *join == "" && strings.HasPrefix(fs.Arg(0), invite.Scheme+":") {
		*join = fs.Arg(0)
	} else if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "parley: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	o.Discovery = !*noDiscovery
	if *roomEcho != "" {
		r, err := parseRoomEcho(*roomEcho)
		if err != nil {
			fmt.Fprintf(stderr, "parley: --room-echo: %v\n", err)
			return exitUsage
		}
		o.RoomEcho = r
	}
	if *roomIR != "" {
		if o.RoomEcho == nil {
			fmt.Fprintln(stderr, "parley: --room-echo-ir needs --room-echo")
			return exitUsage
		}
		ir, err := readWAVFile(*roomIR)
		if err != nil {
			fmt.Fprintf(stderr, "parley: --room-echo-ir: %v\n", err)
			return exitUsage
		}
		o.RoomEcho.Response = ir
	}
	o.Voice = voice.Config{EchoCancellation: !*noEcho, NoiseSuppression: !*noNoise, AutoGain: !*noGain}
	o.ICEServers = ice.servers()
	if *showVersion {
		fmt.Fprintf(stdout, "parley %s\n", version)
		return exitOK
	}
	level := slog.LevelInfo
	if *logLevel != "" {
		if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
			fmt.Fprintf(stderr, "parley: --log-level: %v\n", err)
			return exitUsage
		}
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if *headlessRun {
		if *logLevel != "" {
			o.Logger = logger
		}
		if *join != "" {
			l, err := invite.Parse(*join)
			if err != nil {
				fmt.Fprintf(stderr, "parley: --join: %v\n", err)
				return exitUsage
			}
			if o.TLS, err = client.PinnedTLS(l.Fingerprint); err != nil {
				fmt.Fprintf(stderr, "parley: --join: %v\n", err)
				return exitUsage
			}
			o.Server = l.WebSocketURL()
		}
		return runHeadless(ctx, o, stdout, stderr)
	}

	// The window keeps its choices in the settings file; flags given
	// explicitly override them for this run.
	wo := windowOptions{Server: o.Server, Name: o.Name, FakeMedia: o.FakeMedia, FakeWebcam: o.FakeWebcam, AutoAnswer: o.AutoAnswer, Measure: measure,
		Listen: o.Listen, NoDiscovery: *noDiscovery, Join: *join, Version: version, Logger: logger}
	if err := runWindow(ctx, wo); err != nil {
		fmt.Fprintf(stderr, "parley: %v\n", err)
		return exitFailed
	}
	return exitOK
}

func runHeadless(ctx context.Context, o headless.Options, stdout, stderr io.Writer) int {
	if o.Name == "" {
		fmt.Fprintln(stderr, "parley: --headless needs --name")
		return exitUsage
	}
	o.Out = stdout
	res, err := headless.Run(ctx, o)
	if res == nil {
		fmt.Fprintf(stderr, "parley: %v\n", err)
		return exitNoServer
	}
	if err != nil {
		fmt.Fprintf(stderr, "parley: %v\n", err)
	}
	if !res.MediaFlowed() {
		fmt.Fprintf(stderr, "parley: the call did not carry media both ways (connected=%v, decoded=%d, sent=%d, end=%s)\n",
			res.Connected, res.FramesDecoded, res.FramesSent, res.EndReason)
		return exitFailed
	}
	return exitOK
}

// windowOptions is what the desktop window takes from the command line.
// Everything else comes from the settings file, which the window edits.
type windowOptions struct {
	Server      string       // overrides the settings' server; "" keeps it (empty there: the embedded server)
	Name        string       // overrides the settings' display name
	FakeMedia   bool         // the test cameras and tone instead of real devices
	FakeWebcam  bool         // with FakeMedia: the webcam-like test cameras
	AutoAnswer  bool         // accept every call (kiosk and screenshot tests)
	Measure     measureFlags // benchmarks' --stamp-latency and --report-json
	Listen      string       // address of the built-in server
	NoDiscovery bool         // stay off the LAN this run (--no-discovery)
	Join        string       // invite link to join at start (--join or a parley:// argument)
	Version     string
	Logger      *slog.Logger // --log-level; Info unless set
}

// iceFlags collects --ice, --ice-username and --ice-credential.
type iceFlags struct {
	urls                 stringList
	username, credential string
}

// servers returns one ICE server per URL; TURN servers get the credentials
// (STUN needs none, and browsers reject credentials on stun: URLs).
func (f *iceFlags) servers() []webrtc.ICEServer {
	var out []webrtc.ICEServer
	for _, u := range f.urls {
		s := webrtc.ICEServer{URLs: []string{u}}
		if strings.HasPrefix(u, "turn:") || strings.HasPrefix(u, "turns:") {
			s.Username, s.Credential = f.username, f.credential
		}
		out = append(out, s)
	}
	return out
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// readWAVFile reads a WAV file as mono samples at 48 kHz.
func readWAVFile(path string) ([]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return wav.Read(f)
}

// parseRoomEcho reads DELAY_MS:GAIN_DB.
func parseRoomEcho(v string) (*headless.RoomEcho, error) {
	d, g, ok := strings.Cut(v, ":")
	ms, err1 := strconv.Atoi(d)
	db, err2 := strconv.ParseFloat(g, 64)
	if !ok || err1 != nil || err2 != nil || ms < 0 || ms > 1000 || db > 0 || db < -60 {
		return nil, fmt.Errorf("%q: want DELAY_MS:GAIN_DB, a delay of 0 to 1000 ms and a gain of -60 to 0 dB, e.g. 70:-3", v)
	}
	return &headless.RoomEcho{Delay: time.Duration(ms) * time.Millisecond, GainDB: db}, nil
}
