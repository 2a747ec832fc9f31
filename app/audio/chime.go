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
// default) and returns when it has been played or ctx ends. far, if not
// nil, hears what is played, like the call's speaker: the echo canceller,
// so that a chime played mid-call does not reach the other side.
func PlayTestSound(ctx context.Context, name string, far Far) error {
	s, err := openWithFar(name, far)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.feed(ctx, Chime()); err != nil {
		return err
	}
	return s.drain(ctx)
}

// openWithFar opens the speaker called name and reports what it plays to
// far, if not nil.
func openWithFar(name string, far Far) (*Speaker, error) {
	s, err := Open(name)
	if err != nil {
		return nil, err
	}
	if far != nil {
		s.SetFar(far)
	}
	return s, nil
}

// feed queues mono pcm a piece at a time, as the device makes room for
// it: written at once, a sound longer than the playout buffer would keep
// only its end. It returns once all of pcm is queued, when ctx ends, or
// when the device stops, which would otherwise never make room again.
func (s *Speaker) feed(ctx context.Context, pcm []float32) error {
	const piece = SampleRate / 10
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < len(pcm); {
		if s.play.queued() < playoutCapacity-piece {
			end := min(i+piece, len(pcm))
			if err := s.Write(pcm[i:end], 1); err != nil {
				return err
			}
			i = end
			continue
		}
		if s.gone.Load() {
			return ErrSpeakerGone
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

// drain waits until the speaker has played everything queued.
func (s *Speaker) drain(ctx context.Context) error {
	s.play.flush()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for s.play.queued() > 0 {
		if s.gone.Load() {
			return ErrSpeakerGone
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	// The device's own buffer still holds the last period or two.
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(100 * time.Millisecond):
	}
	return nil
}
