package protocol

// DecodeRoute is Decode for the server's read loop: it accepts and refuses
// exactly the frames Decode does, with the same errors, and fills m with
// the same fields, except that the bodies the server only relays are
// checked and not read: SDP and Candidate are always nil afterwards (an
// offer or answer must still have an "sdp" object with a non-empty "type"
// and "sdp", a candidate a "candidate" object). The relay stamps and
// forwards the frame's own bytes, so nothing needs them.
//
// m is the caller's and is overwritten; a session reuses one for all its
// frames. Strings equal to those m held before are kept rather than copied
// again, and type and reason names come from this package's constants, so
// a session relaying to the same peer allocates nothing per frame (Audio
// and Video reuse their pointers too). Frames outside the fast scanner's
// plain subset go through encoding/json, as in Decode, and allocate.
//
// It exists because Decode allocated several times per relayed frame (the
// Message, every string, the whole SDP body of an offer), and under load
// the server's garbage collection cycles, with their mark assists, held
// relayed frames long enough to set the relay's p99 (Measured:
// docs/benchmarks.md, "Figures behind the code", Relay decoding).
// FuzzDecodeRouteMatchesDecode keeps
// its results identical to Decode's.
func DecodeRoute(data []byte, m *Message) error {
	prev := *m
	*m = Message{}
	if err := decode(data, m, &prev, true); err != nil {
		*m = Message{}
		return err
	}
	m.SDP, m.Candidate = nil, nil
	return nil
}
