package engine

import "github.com/parleyhq/parley/signaling/protocol"

// Resumable is a Signaling that survives outages by itself: it reconnects
// and registers the same name again, its Messages channel stays open across
// reconnects (closing only when it gives up for good), and Changes reports
// each outage and each return.
//
// This is the boundary between the engine and a reconnecting client, chosen
// over a Reattach(sig) method because the connection, not the engine, knows
// when it is down and how to come back (backoff, resume tokens), and the
// engine's loop keeps one source of messages for its whole life. While the
// status is reconnecting, Send fails at once; the engine keeps a connected
// call (media is peer to peer and needs no server) and ends only calls that
// had not connected yet, which cannot finish negotiating without it.
//
// A plain *client.Client is not Resumable: with one, losing the connection
// ends Run as before. A *client.Link is a Resumable that is also a
// Refresher.
type Resumable interface {
	Signaling
	// Changes delivers the link's status when it changes: LinkOnline,
	// or LinkConnecting/LinkReconnecting while it is down.
	Changes() <-chan protocol.LinkStatus
}

// Refresher is a Resumable that can be told to drop its connection and
// connect again at once. The engine asks for it when a call's network path
// has stayed dead through an ICE restart: the server connection most likely
// runs over the same dead path (a changed address, a new network) but TCP
// will not notice for many seconds, and the restart's offer and answer need
// it.
type Refresher interface {
	Refresh()
}
