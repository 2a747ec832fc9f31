package audio

import (
	"context"
	"math"
	"time"
)

// The ring's sound: the phone network's North American ringback, two
// tones that beat into the warble people know as "someone is calling",
// in bursts with long pauses so that it does not wear anyone down.
const (
	ringLow, ringHigh = 440, 480 // Hz
	ringOn            = 2 * time.Second
	ringCycle         = 6 * time.Second // a burst and the pause after it
	// ringGain is each tone's amplitude: where they add up the ring
	// peaks at twice this, well clear of clipping.
	ringGain = 0.15
	// ringRamp fades each burst in and out: a tone that starts or stops
	// at full level clicks.
	ringRamp = 50 * time.Millisecond
)

// Ringtone returns one cycle of the incoming-call ring as mono samples: a
// burst, then silence. Played again and again it rings.
func Ringtone() []float32 {
	out := make([]float32, framesOf(ringCycle))
	on, ramp := framesOf(ringOn), float64(framesOf(ringRamp))
	for i := range on {
		t := float64(i) / SampleRate
		env := min(1, float64(i)/ramp, float64(on-i)/ramp)
		out[i] = float32(ringGain * env * (math.Sin(2*math.Pi*ringLow*t) + math.Sin(2*math.Pi*ringHigh*t)))
	}
	return out
}

// PlayRing rings on the speaker called name ("" for the default) until ctx
// ends; far, if not nil, hears what is played, as PlayTestSound's does. It
// returns ctx's error once stopped, ErrNoSpeaker or ErrSpeakerNotFound if
// the speaker could not be opened, and ErrSpeakerGone if it stopped: it
// never tries again, so a missing speaker costs nothing.
//
// Closing the device drops what is still queued: once the call is
// answered, a tail of ring over the first words would be wrong.
func PlayRing(ctx context.Context, name string, far Far) error {
	if err := ctx.Err(); err != nil {
		return err // answered before the device opened: nothing to ring
	}
	s, err := openWithFar(name, far)
	if err != nil {
		return err
	}
	defer s.Close()
	ring := Ringtone()
	for {
		if err := s.feed(ctx, ring); err != nil {
			return err
		}
	}
}
