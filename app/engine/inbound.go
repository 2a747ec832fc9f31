package engine

import (
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/app/call"
	"github.com/parleyhq/parley/signaling/protocol"
)

// handle applies one message from the server.
func (e *Engine) handle(m *protocol.Message) {
	e.cfg.Logger.Debug("signaling in", "type", m.Type, "from", m.Name, "state", e.state)
	switch m.Type {
	case protocol.TypeRejectUsername:
		e.setName(m.Name)
		e.emit(NameChanged{Name: m.Name})
	case protocol.TypeUserlist, protocol.TypeUserJoined, protocol.TypeUserLeft:
		// The connection keeps the list (it applies deltas) before
		// delivering the message.
		e.emit(UsersChanged{Users: e.sig.Users()})
		e.checkPeerGone()
		e.resendMediaState()
	case protocol.TypeICERestartRequest:
		e.onRestartRequest(m)
	case protocol.TypeMediaState:
		e.onMediaState(m)
	case protocol.TypeMessage:
		e.emit(ChatReceived{From: m.Name, Text: m.Text, At: time.UnixMilli(m.Date)})
	case protocol.TypeError:
		e.onServerError(m)
	case protocol.TypeICEServers:
		e.iceServers = iceServers(m.ICEServers)
	case protocol.TypeVideoOffer:
		e.onOffer(m)
	case protocol.TypeVideoAnswer:
		e.onAnswer(m)
	case protocol.TypeNewICECandidate:
		e.onCandidate(m)
	case protocol.TypeHangUp:
		if s := e.live; s != nil && s.peer == m.Name {
			if m.Reason == protocol.ReasonDisconnected && s.connected {
				// The server says the peer's connection to it closed. The
				// peer may have lost only the server, or be changing
				// networks, and reconnect: checkPeerGone ends the call if
				// it stays away with its media stopped.
				e.checkPeerGone()
				return
			}
			reason := m.Reason
			if reason == "" {
				reason = protocol.ReasonHangUp
			}
			e.endCall(reason, false)
		}
	}
}

func (e *Engine) onServerError(m *protocol.Message) {
	if e.onMediaStateLost(m) {
		return
	}
	e.emit(fromServer(m))
	// Calling someone who left: end the call now rather than after the
	// answer timeout. A connected call's peer may be reconnecting to the
	// server; checkPeerGone decides whether it is gone.
	if s := e.live; s != nil && !s.connected && m.Code == protocol.ErrNoSuchUser && m.User == s.peer {
		e.endCall(string(protocol.ErrNoSuchUser), false)
	}
}

func (e *Engine) onOffer(m *protocol.Message) {
	from := m.Name
	s := e.live
	switch {
	case s == nil:
		if err := call.CheckOffer(m.SDP); err != nil {
			e.emit(fromCall(err, from))
			e.forget(from)
			_ = e.send(e.ctx, from, &protocol.Message{Type: protocol.TypeHangUp, Reason: protocol.ReasonFailed})
			return
		}
		e.live = e.newLiveCall(from, false)
		e.live.offer = m.SDP
		e.setState(Ringing, from, "")
		e.emit(IncomingCall{From: from})
		if e.cfg.AutoAnswer {
			e.accept()
		}
	case s.peer != from:
		e.forget(from)
		_ = e.send(e.ctx, from, &protocol.Message{Type: protocol.TypeHangUp, Reason: protocol.ReasonBusy})
	case s.call == nil:
		s.offer = m.SDP // ringing: a newer offer replaces the one waiting
	case s.outgoing && e.state == Calling:
		// Glare: we both called each other. The peer whose name sorts
		// first keeps its offer; the other drops its own and answers, as
		// the user wanted this call anyway. Both sides apply the same rule,
		// so exactly one offer survives.
		if e.Name() < from {
			return
		}
		s.cancel()
		_ = s.call.Close()
		e.live = e.newLiveCall(from, false)
		e.live.offer = m.SDP
		e.accept()
	default:
		// Renegotiation inside the call (MDN's client re-offers after
		// adding its tracks). A bad one leaves the call as it was.
		if err := s.call.Answer(m.SDP); err != nil {
			e.emit(fromCall(err, from))
		}
	}
}

// accept answers the ringing call's offer.
func (e *Engine) accept() {
	s := e.live
	if err := e.startCall(s); err != nil {
		e.emit(fromCall(err, s.peer))
		e.endCall(ReasonSetupFailed, true)
		return
	}
	e.setState(Connecting, s.peer, "")
	if err := s.call.Answer(s.offer); err != nil {
		e.emit(fromCall(err, s.peer))
		e.endCall(ReasonSetupFailed, true)
		return
	}
	s.offer = nil
	for _, c := range s.early {
		if err := s.call.AddCandidate(c); err != nil {
			e.emit(fromCall(err, s.peer))
		}
	}
	s.early = nil
	e.announceMedia(s)
}

func (e *Engine) onAnswer(m *protocol.Message) {
	s := e.live
	if s == nil || s.peer != m.Name || s.call == nil || !s.outgoing {
		if !e.recentlyEnded(m.Name) {
			e.emit(errorf(ErrUnknownCall, nil, "an answer from %s arrived for a call that does not exist", m.Name))
		}
		return
	}
	if err := s.call.ApplyAnswer(m.SDP); err != nil {
		e.emit(fromCall(err, s.peer))
		if e.state == Calling {
			e.endCall(ReasonSetupFailed, true)
		}
		return
	}
	if e.state == Calling {
		e.setState(Connecting, s.peer, "")
		e.announceMedia(s)
	}
}

func (e *Engine) onCandidate(m *protocol.Message) {
	s := e.live
	if s == nil || s.peer != m.Name {
		if !e.recentlyEnded(m.Name) {
			e.emit(errorf(ErrUnknownCall, nil, "a network candidate from %s arrived for a call that does not exist", m.Name))
		}
		return
	}
	if s.call == nil {
		s.early = append(s.early, m.Candidate)
		return
	}
	if err := s.call.AddCandidate(m.Candidate); err != nil {
		e.emit(fromCall(err, s.peer))
	}
}

// trailingWindow is how long after a call ends (or is refused) its peer's
// late messages are expected: candidates trickle for a second or two.
const trailingWindow = 10 * time.Second

// forget remembers that a call with peer ended or was refused.
func (e *Engine) forget(peer string) {
	now := time.Now()
	for p, at := range e.recent {
		if now.Sub(at) > trailingWindow {
			delete(e.recent, p)
		}
	}
	e.recent[peer] = now
}

// recentlyEnded reports whether a call with peer ended or was refused
// within trailingWindow.
func (e *Engine) recentlyEnded(peer string) bool {
	at, ok := e.recent[peer]
	return ok && time.Since(at) <= trailingWindow
}

func iceServers(in []protocol.ICEServer) []webrtc.ICEServer {
	out := make([]webrtc.ICEServer, 0, len(in))
	for _, s := range in {
		out = append(out, webrtc.ICEServer{URLs: s.URLs, Username: s.Username, Credential: s.Credential})
	}
	return out
}
