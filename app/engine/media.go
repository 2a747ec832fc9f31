package engine

import (
	"context"

	"github.com/parleyhq/parley/app/call"
	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/voice"
)

// MediaDevices is Devices backed by app/media: real cameras and
// microphones, or its test devices once testmedia.Register has run.
type MediaDevices struct {
	video  media.VideoRequest
	codecs *media.Codecs
	voice  *voice.Processor
}

// NewMediaDevices opens cameras with video's size and frame rate (its
// Camera field is ignored: each open names its camera) and encodes with
// app/media's codecs.
func NewMediaDevices(video media.VideoRequest, codecs media.CodecConfig) *MediaDevices {
	return &MediaDevices{video: video, codecs: media.NewCodecs(codecs)}
}

// SetVoice makes microphones opened from now on go through p (nil: sent
// as captured). The caller owns p and closes it after the engine.
func (d *MediaDevices) SetVoice(p *voice.Processor) { d.voice = p }

// Codecs implements Devices.
func (d *MediaDevices) Codecs() call.CodecRegistrar { return d.codecs }

// NewVideoTrack implements Devices. Its encoder expects the frame rate
// cameras are opened at (0, the default, it takes as media.DefaultFPS).
func (d *MediaDevices) NewVideoTrack() VideoTrack {
	return media.NewVideoTrack(d.codecs, float32(d.video.FPS))
}

// OpenCamera implements Devices.
func (d *MediaDevices) OpenCamera(_ context.Context, name string) (Camera, error) {
	req := d.video
	req.Camera = name
	v, err := media.OpenVideo(req)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// OpenMicrophone implements Devices.
func (d *MediaDevices) OpenMicrophone(_ context.Context, name string) (Microphone, error) {
	a, err := media.OpenAudio(media.AudioRequest{Microphone: name, Voice: d.voice}, d.codecs)
	if err != nil {
		return nil, err
	}
	return a, nil
}
