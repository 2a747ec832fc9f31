// Package server is parley-signal's HTTP side: on one port it upgrades any
// WebSocket request to a signaling client and serves the browser client for
// plain GETs. It enforces the limits that keep one client from hurting the
// others (frame size, message rate, per-address connections, registration
// and handshake deadlines, bounded send queues, pings) and hands decoded
// frames to the hub.
//
// New returns a Server that is an http.Handler, so the desktop app can embed
// it behind its own listener and tests can run it on 127.0.0.1:0.
package server
