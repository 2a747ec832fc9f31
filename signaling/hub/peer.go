package hub

// Peer is one client connection as the hub sees it.
//
// Send and SendOwned must never block: the hub calls them while holding its
// lock, and a frame for one client must not wait on another. A Peer that
// cannot queue a frame returns false and closes itself; its session then
// calls Detach as for any other disconnect.
type Peer interface {
	ID() int64
	// Send queues a frame that is shared between peers (user lists,
	// broadcasts) and must not be modified.
	Send(frame []byte) bool
	// SendOwned queues a relayed frame that belongs to this peer alone
	// from the call on, whatever it returns: the peer releases it once it
	// has been written, or as soon as it is dropped (refused, abandoned
	// with a slow consumer's queue, after a failed write, or when the
	// connection closes). A peer that forwards frames elsewhere (see
	// Router) releases it once the frame is handed on.
	SendOwned(f *Buffer) bool
}
