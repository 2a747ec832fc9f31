// Package protocol defines Parley's signaling messages: the wire format of
// MDN's "Signaling and video calling" sample (webrtc-from-chat), plus the few
// extensions Parley adds (errors, hello/feature negotiation, user deltas,
// ICE servers). docs/protocol.md describes every message; this package is its
// executable form, shared by the server, the Go client and the tests.
//
// Every frame is one JSON object with a "type". Decode validates a frame once,
// at the edge, and returns a typed *Error that can be sent back to the client
// as an "error" message, so nothing past the decoder sees malformed input.
package protocol
