package call

import (
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// addTracks attaches the local tracks once per call. A missing microphone
// gets a placeholder, so that one can be switched in later without
// renegotiating; so does a missing video track, so that the SDP has a
// sending video line all the same. Must hold c.neg.
func (c *Call) addTracks() error {
	if c.tracksAdded {
		return nil
	}
	c.tracksAdded = true
	var err error
	video := webrtc.TrackLocal(&placeholder{kind: webrtc.RTPCodecTypeVideo, id: "video", stream: c.streamID})
	if c.cfg.Video != nil {
		video = &sendTrack{Track: c.cfg.Video, stream: c.streamID}
	}
	if c.videoSender, err = c.pc.AddTrack(video); err != nil {
		return fail(ErrMedia, "add video", err)
	}
	audio := webrtc.TrackLocal(&placeholder{kind: webrtc.RTPCodecTypeAudio, id: "audio", stream: c.streamID})
	if c.cfg.Audio != nil {
		audio = &sendTrack{Track: c.cfg.Audio, cont: &c.audioCont, stream: c.streamID}
		c.sentAudio = c.cfg.Audio
	}
	if c.audioSender, err = c.pc.AddTrack(audio); err != nil {
		return fail(ErrMedia, "add audio", err)
	}
	// The video sender's RTCP is not drained: the camera track reads it
	// itself (keyframe requests), and a second reader would steal them.
	c.drainRTCP(c.audioSender)
	return nil
}

// drainRTCP reads the audio sender's RTCP so that the interceptors see it:
// receiver reports feed the statistics and transport-cc feedback feeds the
// congestion controller. mediadevices reads RTCP itself only for encoders
// that take keyframe requests, which Opus does not. The receiver reports'
// loss also goes to the Opus encoder, for its FEC (onAudioRTCP).
func (c *Call) drainRTCP(s *webrtc.RTPSender) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.wg.Add(1)
	var ssrc webrtc.SSRC
	if enc := s.GetParameters().Encodings; len(enc) > 0 {
		ssrc = enc[0].SSRC
	}
	go func() {
		defer c.wg.Done()
		var loss audioLoss
		buf := make([]byte, 1500)
		for {
			n, _, err := s.Read(buf)
			if err != nil {
				return
			}
			// A packet we cannot parse still went through the interceptors.
			if pkts, err := rtcp.Unmarshal(buf[:n]); err == nil {
				c.onAudioRTCP(&loss, pkts, ssrc)
			}
		}
	}()
}

// SetAudio changes what the microphone sender sends: another microphone's
// track, or nil to mute. No renegotiation is needed; a call that started
// with no microphone sends from a placeholder, so one can be switched in
// the same way.
func (c *Call) SetAudio(t Track) error {
	c.neg.Lock()
	defer c.neg.Unlock()
	c.wantAudio = t
	c.audioCont.block(t == nil)
	return c.syncTracks()
}

// syncTracks puts the wanted microphone on its sender once it runs. Before the
// first offer/answer completes, pion has not started its senders and a nil
// track would make starting them fail, so the change waits for the
// negotiation step that starts them (which calls syncTracks again). Must hold
// c.neg.
func (c *Call) syncTracks() error {
	if c.pc.SignalingState() != webrtc.SignalingStateStable || c.pc.CurrentRemoteDescription() == nil {
		return nil
	}
	if c.audioSender == nil || c.sentAudio == c.wantAudio {
		return nil
	}
	var local webrtc.TrackLocal
	if c.wantAudio != nil {
		local = &sendTrack{Track: c.wantAudio, cont: &c.audioCont, stream: c.streamID}
	}
	if err := c.audioSender.ReplaceTrack(local); err != nil {
		return fail(ErrMedia, "replace audio", err)
	}
	c.sentAudio = c.wantAudio
	return nil
}

// forceVideoKeyFrame makes the video encoder's next frame a keyframe.
func (c *Call) forceVideoKeyFrame() {
	if c.cfg.Video == nil {
		return
	}
	if kf, ok := c.cfg.Video.EncoderController().(codec.KeyFrameController); ok {
		_ = kf.ForceKeyFrame() // the next frame's chance comes with the next PLI
	}
}
