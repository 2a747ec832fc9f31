package audio

import (
	"math"
	"time"
)

// The ring's sound: the phone network's North American ringback, two
// tones that beat into the warble people know as "someone is calling",
// in bursts with long pauses so that it does not wear anyone down. The
// browser client rings the same (web/shared/ring.js; a test holds them
// together).
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
