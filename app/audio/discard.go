package audio

import "sync/atomic"

// Discard is an Output that drops everything: the speaker of a headless
// peer or of a desktop with no audio device, so the receive path runs the
// same with or without sound hardware.
type Discard struct {
	frames atomic.Uint64
	closed atomic.Bool
}

// Write counts pcm's frames and drops them.
func (d *Discard) Write(pcm []float32, channels int) error {
	if err := checkChannels(channels); err != nil {
		return err
	}
	if d.closed.Load() {
		return ErrClosed
	}
	d.frames.Add(uint64(len(pcm) / channels))
	return nil
}

// Frames returns how many sample frames were written.
func (d *Discard) Frames() uint64 { return d.frames.Load() }

// Close makes further Writes fail.
func (d *Discard) Close() error {
	d.closed.Store(true)
	return nil
}
