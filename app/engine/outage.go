package engine

import (
	"slices"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/signaling/protocol"
)

// Reasons for calls ended by an outage or a vanished peer.
const (
	// ReasonPeerGone ends a call whose peer left the server and whose
	// media stopped: the peer's process or machine is gone.
	ReasonPeerGone = "peer-gone"
)

// onSignalingStatus applies a Resumable connection's outage or return.
func (e *Engine) onSignalingStatus(st protocol.LinkStatus) {
	switch st {
	case protocol.LinkConnecting, protocol.LinkReconnecting:
		e.offline = true
		e.emit(SignalingChanged{Status: protocol.LinkReconnecting})
		// A call still negotiating cannot finish without the server.
		if s := e.live; s != nil && !s.connected {
			e.endCall(ReasonSignaling, false)
		}
	case protocol.LinkOnline:
		e.offline = false
		e.emit(SignalingChanged{Status: st})
		e.setName(e.sig.Name())
		e.emit(NameChanged{Name: e.sig.Name()})
		e.emit(UsersChanged{Users: e.sig.Users()})
		// Whatever broke the server connection may have broken the call's
		// path too (a network change): restart now rather than wait.
		if s := e.live; s != nil && s.connected && s.pcState != webrtc.PeerConnectionStateConnected {
			e.restartICE(s)
		}
		e.checkPeerGone()
	}
}

// onDisconnected starts watching a call whose connection went down: if it
// stays down for ICERestartAfter, ICE restarts, and again after each
// further ICERestartAfter.
func (e *Engine) onDisconnected(s *liveCall) {
	if e.checkPeerGone() {
		return
	}
	if s.restart != nil {
		return
	}
	s.restart = time.AfterFunc(e.cfg.ICERestartAfter, func() {
		e.post(s.ctx, func() { e.onRestartDue(s) })
	})
}

func (e *Engine) onRestartDue(s *liveCall) {
	if s != e.live || s.restart == nil {
		return
	}
	s.restart = nil
	if s.pcState == webrtc.PeerConnectionStateConnected {
		return
	}
	if r, ok := e.sig.(Refresher); ok && s.restarts > 0 && !s.refreshed && !e.offline {
		// A restart went out and the path is still dead: the server
		// connection is probably dead too. Coming back online restarts
		// ICE again. Once per outage: both peers refreshing over and over
		// would keep one of them off the server.
		s.refreshed = true
		r.Refresh()
	} else {
		e.restartICE(s)
	}
	e.onDisconnected(s)
}

// onReconnected stops the restart timer once media flows again.
func (e *Engine) onReconnected(s *liveCall) {
	s.refreshed = false
	if s.restart != nil {
		s.restart.Stop()
		s.restart = nil
	}
}

// restartICE restarts the call's ICE if this side made the offer, and asks
// the peer to otherwise. Without a server it waits: the offer could not
// reach the peer, and the return of the connection restarts it.
func (e *Engine) restartICE(s *liveCall) {
	if e.offline {
		return
	}
	s.restarts++
	if s.outgoing {
		if err := s.call.RestartICE(); err != nil {
			e.emit(fromCall(err, s.peer))
		}
		return
	}
	_ = e.send(s.ctx, s.peer, &protocol.Message{Type: protocol.TypeICERestartRequest})
}

// onRestartRequest serves the peer's request for an ICE restart.
func (e *Engine) onRestartRequest(m *protocol.Message) {
	s := e.live
	if s == nil || s.peer != m.Name || s.call == nil || !s.outgoing {
		return
	}
	e.restartICE(s)
}

// peerGoneGrace is how long a peer that left the server, and whose media
// stopped, has to come back before the call ends: a peer whose network
// changed reconnects to the server within a second or so, a killed one
// never does.
const peerGoneGrace = 1500 * time.Millisecond

// checkPeerGone ends a connected call, after peerGoneGrace, whose peer is
// no longer on the server and whose media has stopped: a peer that only
// lost its server connection still sends media, and a peer whose network is
// down for a moment is still listed, but both at once for that long means
// the peer is gone. It reports whether the peer looks gone.
func (e *Engine) checkPeerGone() bool {
	s := e.live
	if s == nil || !s.connected || e.offline || s.pcState == webrtc.PeerConnectionStateConnected {
		return false
	}
	if slices.Contains(e.sig.Users(), s.peer) {
		return false
	}
	if s.gone == nil {
		s.gone = time.AfterFunc(peerGoneGrace, func() {
			e.post(s.ctx, func() {
				if s != e.live {
					return
				}
				s.gone = nil
				if e.peerAbsent(s) {
					e.endCall(ReasonPeerGone, false)
				}
			})
		})
	}
	return true
}

// peerAbsent reports whether the call's peer is still off the server with
// its media stopped.
func (e *Engine) peerAbsent(s *liveCall) bool {
	return !e.offline && s.pcState != webrtc.PeerConnectionStateConnected && !slices.Contains(e.sig.Users(), s.peer)
}
