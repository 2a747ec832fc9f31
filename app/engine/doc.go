// Package engine is Parley's call engine: it connects the signaling
// connection, the local devices and one call at a time (package call) into
// the state machine a user sees — idle, calling, ringing, connecting, in a
// call, ended — and reports everything that happens as typed events. The
// desktop window, the headless peer and the tests all drive an Engine; it
// imports nothing of the UI.
//
// Everything that changes the engine's state runs on one goroutine (Run's
// loop): signaling messages, the user's commands, connection-state changes
// and the statistics tick are all posted to it. That removes the ordering
// races a call has plenty of (an answer and a hang-up crossing, a candidate
// arriving while the user accepts) at the cost of commands waiting for the
// loop, which only ever does short work.
//
// # Outages and recovery
//
// Media is peer to peer, so losing the server must not end a connected
// call. The boundary for that is Resumable: a Signaling whose Messages
// channel stays open across reconnects and whose Changes channel reports
// each outage (protocol.LinkReconnecting) and return (LinkOnline). The
// connection, not the engine, knows when it is down and how to come back
// (backoff, resume tokens), so the engine keeps one source of messages for
// its whole life instead of being handed new connections. The signaling
// client's Link is one (backoff, resume tokens that take the name back
// from a stale connection, pings), and its Refresh lets the engine tell it
// to reconnect at once (Refresher); it also refreshes itself
// when the address its server connection went out from goes away, since
// that connection is dead but would look alive until a ping failed.
// With a plain, non-Resumable connection Run behaves as before: the
// connection closing ends the call and Run.
//
// While reconnecting, the engine keeps a connected call, ends calls still
// negotiating (ReasonSignaling), and reports SignalingChanged events. When
// a call's connection goes disconnected (call.Config.ICEDisconnected, 2 s
// without packets), the side that made the first offer restarts ICE after
// Config.ICERestartAfter (3 s) and every ICERestartAfter after that; the
// other side sends protocol.TypeICERestartRequest, since pion can only restart from
// the offerer. A restart that did not help refreshes the server connection
// once (Refresher), because a changed network usually killed it too, and
// the return online restarts ICE again. A connected call ends as
// ReasonPeerGone only when the peer is off the server and its media has
// stopped for peerGoneGrace: that is how a killed peer is told from one
// that lost only the server (media flows) or only the network (it stays
// listed).
package engine
