// Package call runs one WebRTC call: a pion PeerConnection with Parley's
// settings (interceptors for NACK/PLI/TWCC, Google congestion control driving
// the video encoder, the DTLS-role workaround), the offer/answer and trickle
// ICE steps of the MDN flow, track replacement for mid-call device changes,
// and a once-a-second statistics snapshot.
//
// A Call knows nothing about users, signaling connections or the UI: it takes
// SDP and candidates in, hands the SDP and candidates it produces to a
// callback, and reports connection-state changes. app/engine wraps it in the
// call state machine. Keeping the two apart lets the engine own "who" and
// "when" while this package owns "how", and lets each be tested alone.
package call
