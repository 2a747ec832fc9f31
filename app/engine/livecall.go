package engine

import (
	"context"
	"sync"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/app/call"
	"github.com/parleyhq/parley/app/receive"
	"github.com/parleyhq/parley/signaling/protocol"
)

// liveCall is one call's life in the engine, from the first offer (ours or
// the peer's) to its end. Only the loop touches its fields, except the
// receivers, which the call's track goroutines add.
type liveCall struct {
	peer     string
	outgoing bool
	started  time.Time
	ctx      context.Context
	cancel   context.CancelFunc

	call *call.Call // nil while ringing
	// videoTrack is what the call sends as video; its source is the
	// camera, or none while the camera is off.
	videoTrack VideoTrack

	// While ringing: the offer waiting for Accept and the candidates that
	// came with it, which have no call to go to yet.
	offer *protocol.SessionDescription
	early []*protocol.ICECandidate

	connected bool
	// pcState is the PeerConnection's last reported state; restart runs
	// while a connected call is disconnected, and restarts counts the ICE
	// restarts asked for.
	pcState webrtc.PeerConnectionState
	restart *time.Timer
	gone    *time.Timer // peerGoneGrace running
	// refreshed is set once the server connection was refreshed in this
	// outage.
	refreshed bool
	restarts  int

	// announced is set once the answer has gone out or come in: from then
	// on our media state goes to the peer (sentMedia is what it was last
	// told), and peerMedia is what the peer last said it sends (nil until
	// it says; MDN's client never does).
	announced bool
	sentMedia *MediaState
	peerMedia *MediaState

	recvMu sync.Mutex
	video  []*receive.VideoReceiver
	audio  []*receive.AudioReceiver

	rate rateCursor // for frames per second in the statistics
}

func (e *Engine) newLiveCall(peer string, outgoing bool) *liveCall {
	ctx, cancel := context.WithCancel(e.ctx)
	return &liveCall{peer: peer, outgoing: outgoing, started: time.Now(), ctx: ctx, cancel: cancel}
}

// startCall builds the live call's call with the current devices and
// settings. Mute and camera-off carry over into the call.
func (e *Engine) startCall(s *liveCall) error {
	cfg := call.Config{
		ICEServers:      e.iceServers,
		ICEDisconnected: e.cfg.ICEDisconnected,
		Codecs:          e.cfg.Devices.Codecs(),
		Logger:          e.cfg.Logger,
		Signal: func(m *protocol.Message) {
			_ = e.send(s.ctx, s.peer, m)
		},
		OnTrack: func(ctx context.Context, t *webrtc.TrackRemote, r *webrtc.RTPReceiver) {
			e.receive(ctx, s, t)
		},
		OnState: func(st webrtc.PeerConnectionState) {
			e.post(s.ctx, func() { e.onConnectionState(s, st) })
		},
	}
	s.videoTrack = e.cfg.Devices.NewVideoTrack()
	s.videoTrack.SetSource(e.sentCamera())
	cfg.Video = s.videoTrack
	if b, ok := e.camera.(startBitrater); ok {
		cfg.StartBitrate = b.StartBitrate()
	}
	if e.mic != nil {
		cfg.Audio = e.mic.Track()
	}
	c, err := call.New(cfg)
	if err != nil {
		return err
	}
	s.call = c
	if e.muted {
		if err := c.SetAudio(nil); err != nil {
			return err
		}
	}
	return nil
}

// startBitrater is implemented by captures that know what bitrate suits
// their frame size and rate, so the call's congestion controller starts
// there.
type startBitrater interface {
	StartBitrate() int
}

// receive runs the receive path of one remote track until the call ends.
func (e *Engine) receive(ctx context.Context, s *liveCall, t *webrtc.TrackRemote) {
	switch t.Kind() {
	case webrtc.RTPCodecTypeVideo:
		pc := s.call.PeerConnection()
		ssrc := uint32(t.SSRC())
		r, err := receive.NewVideoReceiver(t, receive.VideoConfig{
			Sink: &e.frames,
			RequestKeyFrame: func() {
				_ = pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}})
			},
			Logger: e.cfg.Logger,
		})
		if err != nil {
			e.post(ctx, func() { e.emit(errorf(ErrSetup, err, "the picture from %s cannot be shown", s.peer)) })
			return
		}
		s.recvMu.Lock()
		s.video = append(s.video, r)
		s.recvMu.Unlock()
		if err := r.Run(ctx); err != nil {
			e.cfg.Logger.Warn("video receive ended", "err", err)
		}
	case webrtc.RTPCodecTypeAudio:
		c := t.Codec()
		r, err := receive.NewAudioReceiver(t, receive.AudioConfig{
			Output: e.cfg.Audio, Logger: e.cfg.Logger,
			REDPayloadType: receive.REDPayloadTypeOf(c.MimeType, uint8(c.PayloadType)),
		})
		if err != nil {
			e.post(ctx, func() { e.emit(errorf(ErrSetup, err, "the sound from %s cannot be played", s.peer)) })
			return
		}
		s.recvMu.Lock()
		s.audio = append(s.audio, r)
		s.recvMu.Unlock()
		if err := r.Run(ctx); err != nil {
			e.cfg.Logger.Warn("audio receive ended", "err", err)
		}
	}
}

// endCall ends the current call, if any: it tells the peer when notify is
// set, closes the call (waiting for its goroutines), and reports Ended then
// Idle.
func (e *Engine) endCall(reason string, notify bool) {
	s := e.live
	if s == nil {
		return
	}
	e.live = nil
	e.forget(s.peer)
	if notify {
		wire := reason
		if wire == ReasonLocalHangUp || wire == ReasonClosed {
			wire = protocol.ReasonHangUp
		}
		// The loop's context may be what ended the call; the hang-up must
		// still go out.
		_ = e.send(context.WithoutCancel(e.ctx), s.peer, &protocol.Message{Type: protocol.TypeHangUp, Reason: wire})
	}
	s.cancel()
	if s.restart != nil {
		s.restart.Stop()
	}
	if s.gone != nil {
		s.gone.Stop()
	}
	if s.call != nil {
		if err := s.call.Close(); err != nil {
			e.cfg.Logger.Debug("closing call", "err", err)
		}
	}
	e.setState(Ended, s.peer, reason)
	e.setState(Idle, "", "")
}

func (e *Engine) onConnectionState(s *liveCall, st webrtc.PeerConnectionState) {
	if s != e.live {
		return // a late report from a call that already ended
	}
	s.pcState = st
	switch st {
	case webrtc.PeerConnectionStateConnected:
		if !s.connected {
			s.connected = true
			e.setState(InCall, s.peer, "")
		}
		e.onReconnected(s)
	case webrtc.PeerConnectionStateDisconnected:
		if s.connected {
			e.onDisconnected(s)
		}
	case webrtc.PeerConnectionStateFailed:
		e.endCall(protocol.ReasonFailed, true)
	case webrtc.PeerConnectionStateClosed:
		e.endCall(ReasonClosed, false)
	}
}
