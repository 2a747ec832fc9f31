package ui

import (
	"sync"

	"github.com/parleyhq/parley/app/audio"
)

// speakerSwitch is the engine's audio output for the whole life of a
// connection. It forwards to the speaker the user chose and lets Settings
// swap that speaker mid-call without the engine noticing: the engine's
// receive path keeps writing to the same Output.
type speakerSwitch struct {
	mu  sync.Mutex
	out audio.Output // nil: nothing plays (no speaker could be opened)
}

// Write implements audio.Output. Without a speaker the sound is dropped,
// as a muted output would.
func (s *speakerSwitch) Write(pcm []float32, channels int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out == nil {
		return nil
	}
	return s.out.Write(pcm, channels)
}

// Stats is the speaker's playout figures (zero without one).
func (s *speakerSwitch) Stats() audio.PlayoutStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.out.(interface{ Stats() audio.PlayoutStats }); ok {
		return p.Stats()
	}
	return audio.PlayoutStats{}
}

// swap plays to out from now on and closes the previous speaker.
func (s *speakerSwitch) swap(out audio.Output) {
	s.mu.Lock()
	old := s.out
	s.out = out
	s.mu.Unlock()
	if old != nil {
		_ = old.Close()
	}
}

// Close implements audio.Output: it closes the current speaker.
func (s *speakerSwitch) Close() error {
	s.swap(nil)
	return nil
}
