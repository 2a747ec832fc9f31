package audio

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/gen2brain/malgo"
)

// Device is a speaker as the settings menu shows it. Name is its identity:
// miniaudio's device IDs are not stable across runs or platforms, names are.
type Device struct {
	Name    string
	Default bool
}

// backends are miniaudio's default backends without the null one. With the
// null backend allowed, a machine with no sound hardware would "succeed"
// and list a device that plays nothing; Parley reports ErrNoSpeaker instead.
var backends = []malgo.Backend{
	malgo.BackendWasapi, malgo.BackendDsound, malgo.BackendWinmm,
	malgo.BackendCoreaudio, malgo.BackendSndio, malgo.BackendAudio4, malgo.BackendOss,
	malgo.BackendPulseaudio, malgo.BackendAlsa, malgo.BackendJack,
	malgo.BackendAaudio, malgo.BackendOpensl,
}

// newContext opens the platform's audio system.
func newContext() (*malgo.AllocatedContext, error) {
	ctx, err := malgo.InitContext(backends, malgo.ContextConfig{}, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoSpeaker, err)
	}
	return ctx, nil
}

func freeContext(ctx *malgo.AllocatedContext) {
	_ = ctx.Uninit()
	ctx.Free()
}

// Speakers lists the playback devices. With none it returns ErrNoSpeaker.
func Speakers() ([]Device, error) {
	ctx, err := newContext()
	if err != nil {
		return nil, err
	}
	defer freeContext(ctx)
	infos, err := ctx.Devices(malgo.Playback)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoSpeaker, err)
	}
	out := make([]Device, 0, len(infos))
	for i := range infos {
		if isNullDevice(&infos[i]) {
			continue
		}
		out = append(out, Device{Name: infos[i].Name(), Default: infos[i].IsDefault != 0})
	}
	if len(out) == 0 {
		return nil, ErrNoSpeaker
	}
	return out, nil
}

// isNullDevice spots ALSA's "null" plugin, which alsa-lib lists even on a
// machine without sound cards: it accepts audio and plays nothing, so
// offering it as a speaker would hide that there is none.
func isNullDevice(d *malgo.DeviceInfo) bool {
	return bytes.HasPrefix(d.ID[:], []byte("null\x00")) ||
		strings.HasPrefix(d.Name(), "Discard all samples")
}

// findDevice returns the ID of the playback device called name.
func findDevice(ctx *malgo.AllocatedContext, name string) (malgo.DeviceID, error) {
	infos, err := ctx.Devices(malgo.Playback)
	if err != nil {
		return malgo.DeviceID{}, fmt.Errorf("%w: %v", ErrNoSpeaker, err)
	}
	speakers := 0
	for i := range infos {
		if isNullDevice(&infos[i]) {
			continue
		}
		speakers++
		if infos[i].Name() == name {
			return infos[i].ID, nil
		}
	}
	if speakers == 0 {
		return malgo.DeviceID{}, ErrNoSpeaker
	}
	return malgo.DeviceID{}, fmt.Errorf("%w: %q", ErrSpeakerNotFound, name)
}
