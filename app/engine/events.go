package engine

import (
	"time"

	"github.com/parleyhq/parley/signaling/protocol"
)

// State is where the engine is in a call's life.
type State string

// States. Ended is reported once per call, with a reason, and is followed
// at once by Idle: the engine is ready for the next call as soon as one ends.
const (
	Idle       State = "idle"
	Calling    State = "calling"    // our offer is out, waiting for the answer
	Ringing    State = "ringing"    // an offer came in, waiting for Accept or Decline
	Connecting State = "connecting" // offer and answer exchanged, ICE/DTLS under way
	InCall     State = "in-call"    // media can flow
	Ended      State = "ended"
)

// Reasons a call ended, besides the peer's own hang-up reasons
// (protocol.Reason*).
const (
	ReasonLocalHangUp = "local-hang-up" // this user hung up
	ReasonNoAnswer    = "no-answer"     // nobody answered in time
	ReasonClosed      = "closed"        // the connection closed without a hang-up
	ReasonSignaling   = "signaling-lost"
	ReasonSetupFailed = "setup-failed" // the call could not be built or negotiated
)

// EndReasons is every reason an Ended event can carry: the engine's own,
// the peer's hang-up reasons, and the server's no-such-user for a callee
// that went offline. The window's page names the same set (EndReason in
// frontend/js/backend.js, a sentence each in web/shared/endtext.js, which
// the browser client shares); a test holds them together. A peer may send
// a reason of its own, which the page shows as a plain end.
var EndReasons = []string{
	ReasonLocalHangUp, ReasonNoAnswer, ReasonClosed, ReasonSignaling, ReasonSetupFailed, ReasonPeerGone,
	protocol.ReasonHangUp, protocol.ReasonDeclined, protocol.ReasonBusy, protocol.ReasonDisconnected, protocol.ReasonFailed,
	string(protocol.ErrNoSuchUser),
}

// Event is anything the engine reports. The concrete types below are the
// whole set; a subscriber switches on them. Kind names the type for
// serialisers: the window's Go backend (app/backend) emits each event to the
// page under its Kind through Wails' events, and headless prints it before
// the event's JSON. (The frame bridge, app/bridge, carries pictures only.)
type Event interface {
	Kind() string
}

// StateChanged reports a new State. Peer is the other user (empty when
// idle); Reason is set for Ended.
type StateChanged struct {
	State  State  `json:"state"`
	Peer   string `json:"peer,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// UsersChanged carries the full list of users online, this user included.
type UsersChanged struct {
	Users []string `json:"users"`
}

// NameChanged reports the name the server gave this user (it appends a
// number when the requested one is taken).
type NameChanged struct {
	Name string `json:"name"`
}

// ChatReceived is a chat message; From is the sender's server-stamped name.
type ChatReceived struct {
	From string    `json:"from"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// IncomingCall asks the user to accept or decline a call from From.
type IncomingCall struct {
	From string `json:"from"`
}

// StatsUpdated carries the once-a-second statistics of the current call.
type StatsUpdated struct {
	Stats Stats `json:"stats"`
}

// Kind implementations.
func (StateChanged) Kind() string { return "state" }
func (UsersChanged) Kind() string { return "users" }
func (NameChanged) Kind() string  { return "name" }
func (ChatReceived) Kind() string { return "chat" }
func (IncomingCall) Kind() string { return "incoming-call" }
func (StatsUpdated) Kind() string { return "stats" }
func (*Error) Kind() string       { return "error" }

// SignalingChanged reports that the signaling connection went down
// (reconnecting; a connected call carries on) or came back (online, with
// NameChanged and UsersChanged following).
type SignalingChanged struct {
	Status protocol.LinkStatus `json:"status"` // online or reconnecting
}

// Kind implements Event.
func (SignalingChanged) Kind() string { return "signaling-status" }

// MediaState is what one side of a call sends: sound (not muted, and a
// microphone is open) and pictures (camera on, and a camera is open).
type MediaState struct {
	Audio bool `json:"audio"`
	Video bool `json:"video"`
}

// PeerMediaChanged reports what the call's peer says it sends, so the UI can
// show "camera off" and a muted microphone instead of a frozen picture. It
// arrives once the peer announces itself after the answer and after each of
// its toggles. Peers that never send media-state (MDN's client) leave it
// unreported: the UI then assumes both are on.
type PeerMediaChanged struct {
	Peer string `json:"peer"`
	MediaState
}

// Kind implements Event.
func (PeerMediaChanged) Kind() string { return "peer-media" }

// Events lists one of each event the engine emits: the one place their
// kinds are enumerated, for the tests that hold the window's copy to them
// (a test checks that every type with a Kind method is here).
var Events = []Event{
	StateChanged{}, UsersChanged{}, NameChanged{}, ChatReceived{}, IncomingCall{},
	StatsUpdated{}, &Error{}, SignalingChanged{}, PeerMediaChanged{},
}
