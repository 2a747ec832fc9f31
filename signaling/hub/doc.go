// Package hub is the signaling switchboard: it owns the registry of names, the
// user list and its fan-out (full lists for MDN clients, coalesced deltas for
// Parley clients), targeted relay with server-side name stamping, and the
// call pairs used to tell a peer that the other side vanished.
//
// The hub knows nothing about WebSockets. A connection is a Peer with a
// non-blocking Send, so the hub can hold its lock while fanning out and one
// slow client can never stall the others. Delivery by name goes through a
// Router, so a clustered transport can replace LocalRouter without touching
// sessions.
package hub
