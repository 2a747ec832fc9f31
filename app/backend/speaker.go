package backend

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

// QueueSound implements audio.SoundPlayer: the app's sounds are mixed
// into the current speaker's. Without a real one (none could be opened,
// or fake media) they are not played: ErrNoSpeaker.
func (s *speakerSwitch) QueueSound(pcm []float32) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.out.(audio.SoundPlayer)
	if !ok {
		return 0, audio.ErrNoSpeaker
	}
	return p.QueueSound(pcm)
}

// SoundQueued implements audio.SoundPlayer.
func (s *speakerSwitch) SoundQueued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.out.(audio.SoundPlayer); ok {
		return p.SoundQueued()
	}
	return 0
}

// Hush implements audio.SoundPlayer.
func (s *speakerSwitch) Hush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.out.(audio.SoundPlayer); ok {
		p.Hush()
	}
}

// plays says whether the current speaker is the one called name.
func (s *speakerSwitch) plays(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp, ok := s.out.(*audio.Speaker)
	return ok && sp.Name() == name
}

// Close implements audio.Output: it closes the current speaker.
func (s *speakerSwitch) Close() error {
	s.swap(nil)
	return nil
}
