package protocol

import "encoding/json"

// Message types of the MDN sample. Their shapes are kept as MDN's client and
// server use them, so an unmodified MDN client interoperates with Parley.
const (
	TypeID              = "id"                // server → client, first frame: {id}
	TypeUsername        = "username"          // client → server: {name,id,date}
	TypeRejectUsername  = "rejectusername"    // server → client: {id,name} with the name actually given
	TypeUserlist        = "userlist"          // server → client: {users[]}
	TypeMessage         = "message"           // chat: client {text,id,date}; server adds name and date
	TypeVideoOffer      = "video-offer"       // {name,target,sdp}
	TypeVideoAnswer     = "video-answer"      // {name,target,sdp}
	TypeNewICECandidate = "new-ice-candidate" // {target,candidate}
	TypeHangUp          = "hang-up"           // {name,target[,reason]}
)

// Parley's extensions. MDN clients ignore unknown types, so these are safe to
// send to them; Parley only sends the delta messages to clients that asked.
const (
	TypeHello      = "hello"       // client → server: {features[]}; server → client: {features[]} (what it accepted)
	TypeUserJoined = "user-joined" // server → client with "user-delta": {users[]}, plus name when there is one
	TypeUserLeft   = "user-left"   // server → client with "user-delta": {users[]}, plus name when there is one
	TypeError      = "error"       // server → client: {code,message[,about][,user]}
	TypeICEServers = "ice-servers" // server → client: {iceServers[]}
	TypeSession    = "session"     // server → client after registering: {resume}; see Message.Resume
	// TypeMediaState is relayed between the two sides of a call:
	// {name,target,audio,video} says whether the sender is sending sound and
	// pictures, so the peer can show "camera off" and a muted microphone
	// instead of a frozen picture and silence nobody can explain.
	TypeMediaState = "media-state"
	// TypeICERestartRequest is relayed from a call's answerer, when it
	// notices first that the connection is down, to the offerer: only
	// the offerer can restart ICE, so it asks. {name,target}
	TypeICERestartRequest = "ice-restart-request"
)

// MaxResumeBytes bounds the resume token a client may present.
const MaxResumeBytes = 64

// CloseReplaced is the WebSocket close code of a session that another
// connection took over with its resume token. A client that gets it must
// not reconnect: its user is online elsewhere (a newer tab or process).
const CloseReplaced = 4000

// FeatureUserDelta asks the server for user-joined/user-left instead of a full
// userlist after every change (the full list still arrives once, on joining).
const FeatureUserDelta = "user-delta"

// Hang-up reasons Parley sends in the optional "reason" field.
const (
	ReasonHangUp       = "hang-up"      // the user hung up
	ReasonDeclined     = "declined"     // the callee declined
	ReasonBusy         = "busy"         // the callee is in another call
	ReasonDisconnected = "disconnected" // sent by the server when a peer's connection closed
	ReasonFailed       = "failed"       // ICE or DTLS failed
)

// Limits the server enforces and clients may rely on.
const (
	MaxFrameBytes = 64 << 10 // a larger frame closes the connection with 1009
	MaxNameRunes  = 32
	MaxTextRunes  = 4096
	Subprotocol   = "json" // the WebSocket subprotocol MDN's client offers
)

// SessionDescription has the shape of the browser's RTCSessionDescriptionInit
// and of pion's webrtc.SessionDescription.
type SessionDescription struct {
	Type string `json:"type"`
	SDP  string `json:"sdp"`
}

// ICECandidate has the shape of the browser's RTCIceCandidateInit and of
// pion's webrtc.ICECandidateInit.
type ICECandidate struct {
	Candidate        string  `json:"candidate"`
	SDPMid           *string `json:"sdpMid,omitempty"`
	SDPMLineIndex    *uint16 `json:"sdpMLineIndex,omitempty"`
	UsernameFragment *string `json:"usernameFragment,omitempty"`
}

// ICEServer has the shape of the browser's RTCIceServer.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// Message is the union of all message shapes. Only the fields that belong to
// Type are set; the rest are zero and omitted on encoding.
type Message struct {
	Type string `json:"type"`

	ID     int64  `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	Target string `json:"target,omitempty"`
	Date   int64  `json:"date,omitempty"` // milliseconds since the Unix epoch, as JavaScript's Date.now()
	Text   string `json:"text,omitempty"`

	Users []string `json:"users,omitempty"`

	SDP       *SessionDescription `json:"sdp,omitempty"`
	Candidate *ICECandidate       `json:"candidate,omitempty"`
	Reason    string              `json:"reason,omitempty"`

	Features   []string    `json:"features,omitempty"`
	Resume     string      `json:"resume,omitempty"` // session: the token; hello: the token of the session to take over
	ICEServers []ICEServer `json:"iceServers,omitempty"`

	// Media-state fields. Pointers, because false is a value the sender
	// must be able to say and the decoder must tell from "absent".
	Audio *bool `json:"audio,omitempty"`
	Video *bool `json:"video,omitempty"`

	// Error fields.
	Code   ErrorCode `json:"code,omitempty"`
	Detail string    `json:"message,omitempty"`
	About  string    `json:"about,omitempty"` // the type of the message that caused the error
	User   string    `json:"user,omitempty"`  // the user an error is about (no-such-user)
}

// Encode marshals m. It cannot fail for a Message: every field is a plain
// value, so the error is dropped here rather than at every call site.
func Encode(m *Message) []byte {
	b, _ := json.Marshal(m)
	return b
}
