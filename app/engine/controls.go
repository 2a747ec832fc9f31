package engine

import (
	"strings"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/signaling/protocol"
)

// Call places a call to user: it builds the call and sends the offer. The
// result arrives as events (Connecting, InCall, or Ended with a reason).
func (e *Engine) Call(user string) error {
	return e.do(func() error {
		if s := e.live; s != nil && e.state == Ringing && s.peer == user {
			// They called first: calling them back is answering.
			e.accept()
			return nil
		}
		if e.live != nil {
			return errorf(ErrBusy, nil, "hang up before calling someone else")
		}
		if user == "" || user == e.Name() {
			return errorf(ErrBadInput, nil, "pick someone else to call")
		}
		e.live = e.newLiveCall(user, true)
		e.setState(Calling, user, "")
		if err := e.startCall(e.live); err != nil {
			ee := fromCall(err, user)
			e.endCall(ReasonSetupFailed, false)
			return ee
		}
		if err := e.live.call.Offer(); err != nil {
			ee := fromCall(err, user)
			e.endCall(ReasonSetupFailed, false)
			return ee
		}
		return nil
	})
}

// Accept answers the ringing call.
func (e *Engine) Accept() error {
	return e.do(func() error {
		if e.live == nil || e.state != Ringing {
			return errorf(ErrNoCall, nil, "nobody is calling")
		}
		e.accept()
		return nil
	})
}

// Decline refuses the ringing call; the caller gets hang-up with reason
// "declined".
func (e *Engine) Decline() error {
	return e.do(func() error {
		if e.live == nil || e.state != Ringing {
			return errorf(ErrNoCall, nil, "nobody is calling")
		}
		e.endCall(protocol.ReasonDeclined, true)
		return nil
	})
}

// HangUp ends the current call, whatever its state (calling, ringing or in
// the call).
func (e *Engine) HangUp() error {
	return e.do(func() error {
		if e.live == nil {
			return errorf(ErrNoCall, nil, "there is no call to hang up")
		}
		if e.state == Ringing {
			e.endCall(protocol.ReasonDeclined, true)
			return nil
		}
		e.endCall(ReasonLocalHangUp, true)
		return nil
	})
}

// SendChat sends a chat message to everyone online.
func (e *Engine) SendChat(text string) error {
	if strings.TrimSpace(text) == "" {
		return errorf(ErrBadInput, nil, "the message is empty")
	}
	return e.do(func() error {
		err := e.send(e.ctx, "", &protocol.Message{Type: protocol.TypeMessage, Text: text, Date: time.Now().UnixMilli()})
		if err != nil {
			return errorf(ErrSignaling, err, "the message could not be sent")
		}
		return nil
	})
}

// SetMuted mutes or unmutes the microphone. Muting stops sending audio
// altogether (the sender's track is replaced with none), so nothing of the
// room leaves the machine; the peer is told (media-state) so that it shows
// a muted microphone. The setting holds for later calls too.
func (e *Engine) SetMuted(muted bool) error {
	return e.do(func() error {
		e.muted = muted
		return e.applyAudio()
	})
}

// SetCameraOn turns the camera off or on for the call. Off leaves the
// call's video track without a source: no frames leave the machine, and
// the peer is told (media-state) so that it shows "camera off" rather than
// the last picture frozen. The preview keeps running so the user can check
// the camera before turning it back on. The setting holds for later calls
// too.
func (e *Engine) SetCameraOn(on bool) error {
	return e.do(func() error {
		e.cameraOff = !on
		e.applyVideo()
		return nil
	})
}

// SwitchCamera opens the named camera and, in a call, sends it instead of
// the current one: the call's video track changes its source, so the peer
// sees one stream go on, and nothing is renegotiated. The old camera is
// closed once the new one is sending.
func (e *Engine) SwitchCamera(name string) error {
	return e.do(func() error {
		next, err := e.cfg.Devices.OpenCamera(e.ctx, name)
		if err != nil {
			return errorf(ErrMedia, err, "the camera %q could not be opened", name)
		}
		next.Subscribe(&e.frames) // until the camera closes
		old := e.camera
		e.camera = next
		e.applyVideo()
		if old != nil {
			_ = old.Close()
		}
		return nil
	})
}

// SwitchMicrophone opens the named microphone and sends it instead of the
// current one.
func (e *Engine) SwitchMicrophone(name string) error {
	return e.do(func() error {
		next, err := e.cfg.Devices.OpenMicrophone(e.ctx, name)
		if err != nil {
			return errorf(ErrMedia, err, "the microphone %q could not be opened", name)
		}
		old := e.mic
		e.mic = next
		if err := e.applyAudio(); err != nil {
			e.mic = old
			_ = next.Close()
			return err
		}
		if old != nil {
			_ = old.Close()
		}
		return nil
	})
}

// applyVideo makes the call's video track send the current camera (or
// none, when off) and tells the peer if that changed what it receives.
func (e *Engine) applyVideo() {
	if e.live == nil || e.live.call == nil {
		return
	}
	e.live.videoTrack.SetSource(e.sentCamera())
	e.sendMediaState()
}

// sentCamera is what a call's video track sends: the camera, unless it is
// off or there is none.
func (e *Engine) sentCamera() frames.Source {
	if e.camera == nil || e.cameraOff {
		return nil
	}
	return e.camera
}

// applyAudio puts the current microphone (or none, when muted) on the call
// and tells the peer if that changed what it receives.
func (e *Engine) applyAudio() error {
	if e.live == nil || e.live.call == nil {
		return nil
	}
	var err error
	if e.mic == nil || e.muted {
		err = e.live.call.SetAudio(nil)
	} else {
		err = e.live.call.SetAudio(e.mic.Track())
	}
	if err != nil {
		return wrapMedia(err)
	}
	e.sendMediaState()
	return nil
}

func wrapMedia(err error) error {
	if err == nil {
		return nil
	}
	return errorf(ErrMedia, err, "the call's camera or microphone could not be changed")
}
