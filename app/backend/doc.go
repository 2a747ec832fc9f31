// Package backend is the desktop window's backend: the methods the frontend calls
// and the events it receives (the "UI contract" in docs/architecture.md and
// frontend/js/backend.js). It owns the pieces around the call engine that a
// window needs: the persisted settings, the connection to a signaling server
// (reconnecting with backoff), the embedded LAN server, the frame bridge, and
// device lists.
//
// It does not import Wails: app/desktop binds an App to the window and hands
// it an Emitter, and the tests drive an App directly with a recording
// Emitter. That keeps the whole backend testable headless.
package backend
