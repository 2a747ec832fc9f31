package media

import (
	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/captured"
	"github.com/parleyhq/parley/app/media/vp8"
	"github.com/pion/mediadevices"
)

// SetMuted replaces the sent audio with silence (the track keeps flowing,
// so unmuting needs no renegotiation). Level still measures the
// microphone, so the UI can warn someone who talks while muted. Only the
// tests mute here: the engine mutes by taking the track off the sender.
func (a *Audio) SetMuted(m bool) { a.muted.Store(m) }

// Muted reports whether SetMuted(true) is in effect.
func (a *Audio) Muted() bool { return a.muted.Load() }

// SlowEncodes makes t call delay before it encodes each frame, as a
// loaded machine would hold it up. Call it before the track is bound.
func SlowEncodes(t *VideoTrack, delay func()) {
	t.encode = func(e *vp8.Encoder, f *frames.Frame) ([]byte, error) {
		delay()
		return e.Encode(f)
	}
}

// CodecsWithAudio is NewCodecs with the microphone's encoders from sel.
func CodecsWithAudio(sel *mediadevices.CodecSelector) *Codecs {
	c := NewCodecs(CodecConfig{})
	c.audio = sel
	return c
}

// Converter is the capture's converter, for the external tests and
// benchmarks (which use the test cameras, whose package imports this one).
type Converter struct{ c converter }

// Convert converts one raw frame.
func (c *Converter) Convert(r captured.Raw) (*frames.Frame, error) { return c.c.convert(r) }

// Close frees the converter's decoder.
func (c *Converter) Close() { c.c.close() }

// PackI420 is the copy into the capture buffer that mediadevices' decoded
// frames take.
var PackI420 = packI420
