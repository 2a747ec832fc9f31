package call

import (
	"errors"

	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/app/media/red"
	"github.com/parleyhq/parley/signaling/protocol"
)

// Offer adds the local tracks and sends an offer (the caller's first step).
func (c *Call) Offer() error {
	c.neg.Lock()
	defer c.neg.Unlock()
	if err := c.addTracks(); err != nil {
		return err
	}
	offer, err := c.pc.CreateOffer(nil)
	if err != nil {
		return fail(ErrState, "create offer", err)
	}
	if err := c.pc.SetLocalDescription(offer); err != nil {
		return fail(ErrState, "set local offer", err)
	}
	c.cfg.Signal(&protocol.Message{Type: protocol.TypeVideoOffer, SDP: wireSDP(offer)})
	return nil
}

// RestartICE sends a new offer with fresh ICE credentials, so that both
// sides gather candidates again and find a path that works now (after a
// network change, or a link that came back on other addresses). Only the
// side that made the first offer restarts (pion cannot roll an answerer
// into an offerer mid-call without glare); the other side asks it to.
//
// An offer of ours still waiting for its answer (one lost while the path to
// the server was dead) is sent again instead, with the candidates gathered
// for it since: pion (v4.2.26, as v4.2.20) can neither replace a pending
// local offer nor roll it back, and that offer already carries fresh
// credentials.
func (c *Call) RestartICE() error {
	c.neg.Lock()
	defer c.neg.Unlock()
	if c.pc.SignalingState() == webrtc.SignalingStateHaveLocalOffer {
		if pending := c.pc.LocalDescription(); pending != nil {
			c.cfg.Signal(&protocol.Message{Type: protocol.TypeVideoOffer, SDP: wireSDP(*pending)})
			return nil
		}
	}
	offer, err := c.pc.CreateOffer(&webrtc.OfferOptions{ICERestart: true})
	if err != nil {
		return fail(ErrState, "create restart offer", err)
	}
	if err := c.pc.SetLocalDescription(offer); err != nil {
		return fail(ErrState, "set local restart offer", err)
	}
	c.cfg.Signal(&protocol.Message{Type: protocol.TypeVideoOffer, SDP: wireSDP(offer)})
	return nil
}

// Answer applies a remote offer and sends the answer. It serves the callee's
// first offer and every renegotiation offer after it (the MDN client adds
// its tracks with addTransceiver and re-offers right after answering).
//
// An offer crossing one of ours inside the call (an ICE restart) is refused
// with ErrState and ours stands: pion (v4.2.26) refuses to roll back a
// local offer, and MDN's client rolls back its own when ours arrives.
// Crossing offers that start a call never get here: the engine's glare
// rule closes the losing side's call and answers in a new one.
func (c *Call) Answer(sdp *protocol.SessionDescription) error {
	c.neg.Lock()
	defer c.neg.Unlock()
	offer, err := parseSDP(sdp, webrtc.SDPTypeOffer)
	if err != nil {
		return err
	}
	if c.pc.SignalingState() == webrtc.SignalingStateHaveLocalOffer {
		return fail(ErrState, "apply offer", errors.New("an offer of ours is waiting for its answer"))
	}
	if err := c.pc.SetRemoteDescription(offer); err != nil {
		return fail(ErrBadSDP, "apply offer", err)
	}
	// Tracks go in after the remote offer so that pion attaches them to the
	// offered transceivers instead of adding m-lines the offer lacks.
	if err := c.addTracks(); err != nil {
		return err
	}
	red.PreferInAnswer(c.pc)
	answer, err := c.pc.CreateAnswer(nil)
	if err != nil {
		return fail(ErrBadSDP, "create answer", err)
	}
	if err := c.pc.SetLocalDescription(answer); err != nil {
		return fail(ErrBadSDP, "set local answer", err)
	}
	c.cfg.Signal(&protocol.Message{Type: protocol.TypeVideoAnswer, SDP: wireSDP(answer)})
	c.flushCandidates()
	return c.syncTracks()
}

// ApplyAnswer applies the remote answer to our offer.
func (c *Call) ApplyAnswer(sdp *protocol.SessionDescription) error {
	c.neg.Lock()
	defer c.neg.Unlock()
	answer, err := parseSDP(sdp, webrtc.SDPTypeAnswer)
	if err != nil {
		return err
	}
	if c.pc.SignalingState() != webrtc.SignalingStateHaveLocalOffer {
		return fail(ErrState, "apply answer", errors.New("no offer of ours is outstanding"))
	}
	if err := c.pc.SetRemoteDescription(answer); err != nil {
		return fail(ErrBadSDP, "apply answer", err)
	}
	c.flushCandidates()
	return c.syncTracks()
}

// AddCandidate adds a remote ICE candidate, or keeps it until the remote
// description is set.
func (c *Call) AddCandidate(cand *protocol.ICECandidate) error {
	if cand == nil {
		return fail(ErrBadCandidate, "add candidate", errors.New("no candidate"))
	}
	init := webrtc.ICECandidateInit{
		Candidate:        cand.Candidate,
		SDPMid:           cand.SDPMid,
		SDPMLineIndex:    cand.SDPMLineIndex,
		UsernameFragment: cand.UsernameFragment,
	}
	c.neg.Lock()
	defer c.neg.Unlock()
	if c.pc.RemoteDescription() == nil {
		c.pending = append(c.pending, init)
		return nil
	}
	if err := c.pc.AddICECandidate(init); err != nil {
		return fail(ErrBadCandidate, "add candidate", err)
	}
	return nil
}

// flushCandidates adds the buffered candidates. One bad candidate must not
// lose the others, and the peer cannot be told which one failed in MDN's
// protocol, so failures are dropped: ICE will fail visibly if none worked.
func (c *Call) flushCandidates() {
	for _, init := range c.pending {
		_ = c.pc.AddICECandidate(init)
	}
	c.pending = nil
}

// CheckOffer reports whether sdp is an offer pion can parse, so that a
// malformed call is refused when it arrives rather than after the user
// accepts it. The error is an *Error with code ErrBadSDP.
func CheckOffer(sdp *protocol.SessionDescription) error {
	_, err := parseSDP(sdp, webrtc.SDPTypeOffer)
	return err
}

func parseSDP(sdp *protocol.SessionDescription, want webrtc.SDPType) (webrtc.SessionDescription, error) {
	if sdp == nil {
		return webrtc.SessionDescription{}, fail(ErrBadSDP, "read "+want.String(), errors.New("no session description"))
	}
	if webrtc.NewSDPType(sdp.Type) != want {
		return webrtc.SessionDescription{}, fail(ErrBadSDP, "read "+want.String(), errors.New("got type "+sdp.Type))
	}
	desc := webrtc.SessionDescription{Type: want, SDP: sdp.SDP}
	// SetRemoteDescription parses too, but its errors are buried in state
	// checks; parsing here names the failure as the remote side's.
	if _, err := desc.Unmarshal(); err != nil {
		return webrtc.SessionDescription{}, fail(ErrBadSDP, "parse "+want.String(), err)
	}
	return desc, nil
}

func wireSDP(d webrtc.SessionDescription) *protocol.SessionDescription {
	return &protocol.SessionDescription{Type: d.Type.String(), SDP: d.SDP}
}
