package audio

import (
	"context"
	"math"
	"time"
)

// Chime returns the settings menu's test sound as mono samples: two soft
// decaying notes (A5 then E5, "ding-dong"), about 0.7 s long.
func Chime() []float32 {
	notes := []struct {
		freq     float64
		start    float64 // seconds
		duration float64
	}{{880, 0, 0.35}, {659.25, 0.25, 0.45}}
	total := int(0.7 * SampleRate)
	out := make([]float32, total)
	for _, n := range notes {
		first := int(n.start * SampleRate)
		length := int(n.duration * SampleRate)
		for i := 0; i < length && first+i < total; i++ {
			t := float64(i) / SampleRate
			attack := math.Min(1, t/0.005) // 5 ms fade-in avoids a click
			env := attack * math.Exp(-t*6)
			out[first+i] += float32(0.25 * env * math.Sin(2*math.Pi*n.freq*t))
		}
	}
	return out
}

// PlayTestSound plays the chime on the speaker called name ("" for the
// default), a device the call is not playing on, and returns when it has
// been played or ctx ends. (On the call's own speaker the chime is mixed
// into the call instead: PlaySound with that speaker.)
func PlayTestSound(ctx context.Context, name string) error {
	s, err := Open(name)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := PlaySound(ctx, s, Chime()); err != nil {
		return err
	}
	// The device's own buffer still holds the last period or two.
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(100 * time.Millisecond):
	}
	return nil
}
