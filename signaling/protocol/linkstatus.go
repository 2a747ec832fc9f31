package protocol

// LinkStatus is the state of a client's link to the signaling server, the
// one vocabulary for it: the Go client reports it, the engine acts on it
// and the window shows it (its "signaling" event carries it as is).
type LinkStatus string

// Link statuses. A link starts Connecting and is Online while registered.
// Once it has been online, losing the connection makes it Reconnecting
// until it is back: a call in progress goes on meanwhile. Offline is no
// link at all: not started, or stopped for good (closed, or refused in a
// way retrying cannot fix).
const (
	LinkConnecting   LinkStatus = "connecting"
	LinkOnline       LinkStatus = "online"
	LinkReconnecting LinkStatus = "reconnecting"
	LinkOffline      LinkStatus = "offline"
)

// LinkStatuses lists every LinkStatus, for the tests that hold the pages'
// copies to them.
var LinkStatuses = []LinkStatus{LinkConnecting, LinkOnline, LinkReconnecting, LinkOffline}
