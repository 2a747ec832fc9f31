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
package engine
