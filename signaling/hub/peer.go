package hub

// Peer is one client connection as the hub sees it.
//
// Send must never block: the hub calls it while holding its lock, and a
// frame for one client must not wait on another. A Peer that cannot queue a
// frame returns false and closes itself; its session then calls Detach as for
// any other disconnect. Frames passed to Send are shared between peers and
// must not be modified.
type Peer interface {
	ID() int64
	Send(frame []byte) bool
}
