package backend

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/parleyhq/parley/app/audio"
	"github.com/parleyhq/parley/app/call"
	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/voice"
	"github.com/parleyhq/parley/app/settings"
)

// Intervals of the device watcher and the level meter.
const (
	watchInterval = 2 * time.Second
	levelInterval = 100 * time.Millisecond
)

// Device is a device as the page lists it. Name is the stable identity
// settings store; Label is what a person reads.
type Device struct {
	Name      string `json:"name"`
	Label     string `json:"label"`
	IsDefault bool   `json:"isDefault"`
}

// Devices is ListDevices' result and the "devices" event's payload.
type Devices struct {
	Cameras     []Device `json:"cameras"`
	Microphones []Device `json:"microphones"`
	Speakers    []Device `json:"speakers"`
}

// Level is the "level" event's payload.
type Level struct {
	Level float32 `json:"level"`
}

// devices is the engine's engine.Devices for the window: app/media's
// devices at the size the settings ask for (which the settings panel can
// change while the app runs), remembering the open microphone so the panel
// can draw its level.
type devices struct {
	mu    sync.Mutex
	inner *engine.MediaDevices
	mic   *media.Audio
	// voice cleans the microphone against what the speaker plays; nil
	// if it could not start (the sound then goes out as captured).
	voice *voice.Processor
}

func newDevices(st settings.Settings, log *slog.Logger) *devices {
	d := &devices{}
	if p, err := voice.New(voiceConfig(st)); err != nil {
		log.Warn("microphone processing unavailable; sending sound as captured", "err", err)
	} else {
		d.voice = p
	}
	d.setVideo(st.Resolution, st.FrameRate)
	return d
}

// voiceConfig is the microphone processing the settings ask for.
func voiceConfig(st settings.Settings) voice.Config {
	return voice.Config{EchoCancellation: st.EchoCancellation, NoiseSuppression: st.NoiseSuppression, AutoGain: st.AutoGainControl}
}

// setVoice applies the processing switches at once, mid-call too.
func (d *devices) setVoice(st settings.Settings) {
	if d.voice != nil {
		d.voice.SetConfig(voiceConfig(st))
	}
}

// close frees the processing, once no engine uses it.
func (d *devices) close() {
	if d.voice != nil {
		d.voice.Close()
	}
}

// setVideo makes later camera opens use a new size and frame rate.
func (d *devices) setVideo(resolution string, fps int) {
	w, h, ok := settings.Size(resolution)
	if !ok {
		w, h, _ = settings.Size(settings.Defaults().Resolution)
	}
	inner := engine.NewMediaDevices(media.VideoRequest{Width: w, Height: h, FPS: float64(fps)}, media.CodecConfig{})
	inner.SetVoice(d.voice)
	d.mu.Lock()
	d.inner = inner
	d.mu.Unlock()
}

func (d *devices) current() *engine.MediaDevices {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.inner
}

// Codecs implements engine.Devices.
func (d *devices) Codecs() call.CodecRegistrar { return d.current().Codecs() }

// NewVideoTrack implements engine.Devices.
func (d *devices) NewVideoTrack() engine.VideoTrack { return d.current().NewVideoTrack() }

// OpenCamera implements engine.Devices.
func (d *devices) OpenCamera(ctx context.Context, name string) (engine.Camera, error) {
	return d.current().OpenCamera(ctx, name)
}

// OpenMicrophone implements engine.Devices.
func (d *devices) OpenMicrophone(ctx context.Context, name string) (engine.Microphone, error) {
	c, err := d.current().OpenMicrophone(ctx, name)
	if err != nil {
		return nil, err
	}
	if a, ok := c.(*media.Audio); ok {
		d.mu.Lock()
		d.mic = a
		d.mu.Unlock()
	}
	return c, nil
}

// level is the open microphone's recent peak, if one is open.
func (d *devices) level() (float32, bool) {
	d.mu.Lock()
	mic := d.mic
	d.mu.Unlock()
	if mic == nil {
		return 0, false
	}
	return mic.Level().Peak, true
}

// openSpeaker opens the named speaker. With fake media nothing is played:
// test runs have no sound hardware and must not depend on it.
func (d *devices) openSpeaker(name string, fake bool) (audio.Output, error) {
	if fake {
		return &audio.Discard{}, nil
	}
	out, err := audio.Open(name)
	if errors.Is(err, audio.ErrSpeakerNotFound) && name != "" {
		out, err = audio.Open("")
	}
	if err != nil {
		return nil, err
	}
	if d.voice != nil {
		out.SetFar(d.voice) // the echo canceller's reference
	}
	return out, nil
}

// listDevices reads every kind of device now.
func listDevices() (Devices, error) {
	var out Devices
	cams, err := media.Cameras()
	if err != nil {
		return out, err
	}
	mics, err := media.Microphones()
	if err != nil && !errors.Is(err, media.ErrNoMicrophone) {
		return out, err
	}
	out.Cameras, out.Microphones = fromMedia(cams), fromMedia(mics)
	out.Speakers = speakers()
	return out, nil
}

func fromMedia(ds []media.Device) []Device {
	out := make([]Device, 0, len(ds))
	for _, d := range ds {
		out = append(out, Device{Name: d.Name, Label: d.Label, IsDefault: d.Default})
	}
	return out
}

// speakers lists playback devices; a machine without any has none, which
// the page shows, rather than an error.
func speakers() []Device {
	sp, err := audio.Speakers()
	if err != nil {
		return []Device{}
	}
	out := make([]Device, 0, len(sp))
	for _, s := range sp {
		out = append(out, Device{Name: s.Name, Label: s.Name, IsDefault: s.Default})
	}
	return out
}

// watch reports device changes (hot-plug) as "devices" events and the
// microphone's level as "level" events, when it changes, until ctx ends. Cameras and
// microphones come from media.Watch; speakers are polled on the same
// interval, since miniaudio has no change notification.
func (d *devices) watch(ctx context.Context, q *eventQueue) {
	changes := media.Watch(ctx, watchInterval)
	levels := time.NewTicker(levelInterval)
	defer levels.Stop()
	poll := time.NewTicker(watchInterval)
	defer poll.Stop()
	var cur Devices
	seen := false
	// A closed or silent microphone reads the same value every tick; the
	// page only needs to hear about changes.
	var lastLevel float32 = -1
	for {
		select {
		case <-ctx.Done():
			for range changes {
			}
			return
		case list, ok := <-changes:
			if !ok {
				return
			}
			cur.Cameras, cur.Microphones = []Device{}, []Device{}
			for _, dev := range list {
				switch dev.Kind {
				case media.Camera:
					cur.Cameras = append(cur.Cameras, fromMedia([]media.Device{dev})...)
				case media.Microphone:
					cur.Microphones = append(cur.Microphones, fromMedia([]media.Device{dev})...)
				}
			}
			cur.Speakers = speakers()
			seen = true
			q.push(EventDevices, cur)
		case <-poll.C:
			if sp := speakers(); seen && !slices.Equal(sp, cur.Speakers) {
				cur.Speakers = sp
				q.push(EventDevices, cur)
			}
		case <-levels.C:
			if lvl, ok := d.level(); ok && lvl != lastLevel {
				lastLevel = lvl
				q.push(EventLevel, Level{Level: lvl})
			}
		}
	}
}
