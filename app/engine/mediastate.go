package engine

import (
	"slices"

	"github.com/parleyhq/parley/signaling/protocol"
)

// localMedia is what this side sends now.
func (e *Engine) localMedia() MediaState {
	return MediaState{Audio: e.mic != nil && !e.muted, Video: e.camera != nil && !e.cameraOff}
}

// announceMedia starts telling s's peer our media state: after the answer
// (either side's), so that the peer has a call to attach it to.
func (e *Engine) announceMedia(s *liveCall) {
	s.announced = true
	e.sendMediaState()
}

// sendMediaState sends the current call's peer our media state if the call
// has been announced and the peer has not been told this state yet. A send
// that fails (an outage: the connection refuses at once) leaves the state
// unsent; resendMediaState sends it once the connection is back (Run calls
// it when the status turns online, handle on every user list, since the
// peer may come back after us). A user list comes over the new connection,
// so the send is tried even before the status turns online.
func (e *Engine) sendMediaState() {
	s := e.live
	if s == nil || !s.announced {
		return
	}
	st := e.localMedia()
	if s.sentMedia != nil && *s.sentMedia == st {
		return
	}
	audio, video := st.Audio, st.Video
	if err := e.send(s.ctx, s.peer, &protocol.Message{Type: protocol.TypeMediaState, Audio: &audio, Video: &video}); err != nil {
		return
	}
	s.sentMedia = &st
}

// onMediaState records the peer's media state. Only the current call's peer
// is listened to: the server stamps the sender's name, so nobody else can
// put a "camera off" on this call.
func (e *Engine) onMediaState(m *protocol.Message) {
	s := e.live
	if s == nil || s.peer != m.Name || m.Audio == nil || m.Video == nil {
		return
	}
	st := MediaState{Audio: *m.Audio, Video: *m.Video}
	if s.peerMedia != nil && *s.peerMedia == st {
		return
	}
	s.peerMedia = &st
	e.emit(PeerMediaChanged{Peer: s.peer, MediaState: st})
}

// onMediaStateLost handles the server's no-such-user for a media-state and
// reports whether the error was one. The peer is off the server for a
// moment (reconnecting; the call goes on), so our state is sent again once
// the server lists it, and the user is not shown an error about a message
// they never asked for.
func (e *Engine) onMediaStateLost(m *protocol.Message) bool {
	if m.Code != protocol.ErrNoSuchUser || m.About != protocol.TypeMediaState {
		return false
	}
	if s := e.live; s != nil && s.peer == m.User {
		s.sentMedia = nil
	}
	return true
}

// resendMediaState sends our media state if the peer may have missed it
// (sendMediaState knows) and the user list shows the peer online.
func (e *Engine) resendMediaState() {
	if s := e.live; s != nil && slices.Contains(e.sig.Users(), s.peer) {
		e.sendMediaState()
	}
}
