// Package client is the Go side of Parley's signaling protocol: it dials a
// parley-signal server (or any MDN-compatible one), registers a name, keeps
// the current user list, and exchanges messages. The call engine builds on
// it; the load generator uses it to play thousands of users.
package client
