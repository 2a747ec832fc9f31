// Package settings holds the desktop app's persisted choices: devices,
// picture size, identity, and which servers to use. Devices are stored by
// name because capture drivers regenerate device IDs on every run.
package settings

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CurrentVersion is the schema version this build writes. A file with any
// other version is set aside rather than guessed at.
const CurrentVersion = 1

// Resolutions the UI offers, smallest first.
var Resolutions = []string{"360p", "480p", "720p", "1080p"}

// ICEServer is one STUN or TURN server, in the shape of the browser's
// RTCIceServer so that it maps one to one onto pion's webrtc.ICEServer.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// Settings is everything the app persists. Empty device names mean the
// system default device.
type Settings struct {
	Version     int    `json:"version"`
	Camera      string `json:"camera"`
	Resolution  string `json:"resolution"`
	FrameRate   int    `json:"frameRate"`
	Microphone  string `json:"microphone"`
	Speaker     string `json:"speaker"`
	DisplayName string `json:"displayName"`
	// SignalingURL is the server to log in to; empty runs the embedded one.
	SignalingURL string      `json:"signalingUrl"`
	ICEServers   []ICEServer `json:"iceServers"`
	// Voice processing of the microphone, named as getUserMedia names
	// them: echo cancellation, noise suppression, automatic gain. Defaults
	// turns them on; headset and studio-microphone users turn them off.
	EchoCancellation bool `json:"echoCancellation"`
	NoiseSuppression bool `json:"noiseSuppression"`
	AutoGainControl  bool `json:"autoGainControl"`
	// Discovery finds the other Parley desktops on the LAN and meets them
	// on one built-in server (when SignalingURL is empty). Defaults turns
	// it on; a file written before it existed reads as on.
	Discovery bool `json:"discovery"`
}

// Defaults returns the settings of a first start: default devices, 720p at
// 30 fps (what a realtime VP8 encoder sustains on a laptop), the embedded
// server, and no STUN/TURN server (a LAN call needs none; the user adds one).
func Defaults() Settings {
	return Settings{
		Version:    CurrentVersion,
		Resolution: "720p",
		FrameRate:  30,
		ICEServers: []ICEServer{},
		Discovery:  true,

		EchoCancellation: true,
		NoiseSuppression: true,
		AutoGainControl:  true,
	}
}

// Size returns the picture size of a resolution name (16:9), or false.
func Size(resolution string) (width, height int, ok bool) {
	switch resolution {
	case "360p":
		return 640, 360, true
	case "480p":
		return 854, 480, true
	case "720p":
		return 1280, 720, true
	case "1080p":
		return 1920, 1080, true
	}
	return 0, 0, false
}

// Limits on free text, generous for humans and small for files.
const (
	MaxNameLength   = 64
	MaxDeviceLength = 256
	MaxServers      = 16
)

// Validate checks every field and returns a *ValidationError naming the
// first bad one, in words the settings panel can show next to it.
func (s Settings) Validate() error {
	if s.Version != CurrentVersion {
		return invalid("version", "is %d, this Parley understands %d", s.Version, CurrentVersion)
	}
	for _, d := range []struct{ field, v string }{{"camera", s.Camera}, {"microphone", s.Microphone}, {"speaker", s.Speaker}} {
		if err := checkText(d.field, d.v, MaxDeviceLength); err != nil {
			return err
		}
	}
	if _, _, ok := Size(s.Resolution); !ok {
		return invalid("resolution", "must be one of %s", strings.Join(Resolutions, ", "))
	}
	if s.FrameRate < 1 || s.FrameRate > 60 {
		return invalid("frameRate", "must be between 1 and 60 frames per second")
	}
	if err := checkText("displayName", s.DisplayName, MaxNameLength); err != nil {
		return err
	}
	if s.DisplayName != strings.TrimSpace(s.DisplayName) {
		return invalid("displayName", "must not start or end with spaces")
	}
	if s.SignalingURL != "" {
		if err := checkServerURL(s.SignalingURL); err != nil {
			return err
		}
	}
	if len(s.ICEServers) > MaxServers {
		return invalid("iceServers", "at most %d servers", MaxServers)
	}
	for i, srv := range s.ICEServers {
		if err := checkICEServer(i, srv); err != nil {
			return err
		}
	}
	return nil
}

func checkText(field, v string, max int) error {
	if !utf8.ValidString(v) {
		return invalid(field, "is not valid text")
	}
	if utf8.RuneCountInString(v) > max {
		return invalid(field, "is longer than %d characters", max)
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return invalid(field, "contains a control character")
		}
	}
	return nil
}

func checkServerURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return invalid("signalingUrl", "%q is not a server address like wss://parley.example.org:6503", raw)
	}
	switch u.Scheme {
	case "ws", "wss", "http", "https":
	default:
		return invalid("signalingUrl", "must start with wss://, ws://, https:// or http://")
	}
	if u.User != nil {
		return invalid("signalingUrl", "must not contain a user name or password")
	}
	return nil
}

// checkICEServer follows RFC 7064/7065: stun:host[:port],
// turn:host[:port][?transport=udp|tcp], and their TLS variants.
func checkICEServer(i int, srv ICEServer) error {
	field := fmt.Sprintf("iceServers[%d]", i)
	if len(srv.URLs) == 0 {
		return invalid(field, "has no URL")
	}
	turn := false
	for _, raw := range srv.URLs {
		scheme, rest, ok := strings.Cut(raw, ":")
		if !ok {
			return invalid(field, "%q is not a stun: or turn: URL", raw)
		}
		switch scheme {
		case "stun", "stuns":
		case "turn", "turns":
			turn = true
		default:
			return invalid(field, "%q must start with stun:, stuns:, turn: or turns:", raw)
		}
		hostport, query, _ := strings.Cut(rest, "?")
		if query != "" && query != "transport=udp" && query != "transport=tcp" {
			return invalid(field, "%q: only ?transport=udp or ?transport=tcp is allowed", raw)
		}
		u, err := url.Parse("x://" + hostport)
		if err != nil || u.Hostname() == "" || u.Path != "" || u.User != nil || strings.HasPrefix(hostport, "//") {
			return invalid(field, "%q has no valid host", raw)
		}
		if p := u.Port(); p != "" {
			var n int
			if _, err := fmt.Sscanf(p, "%d", &n); err != nil || n < 1 || n > 65535 {
				return invalid(field, "%q has a bad port", raw)
			}
		}
	}
	if turn && (srv.Username == "" || srv.Credential == "") {
		return invalid(field, "a TURN server needs a username and a credential")
	}
	return nil
}
