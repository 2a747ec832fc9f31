package main

import "github.com/parleyhq/parley/app/media/voice"

// speex is Parley's own processing, as a call runs it.
type speex struct{ p *voice.Processor }

func newSpeex(o options) (engine, error) {
	p, err := voice.New(voice.Config{EchoCancellation: true, NoiseSuppression: o.ns, AutoGain: o.agc})
	if err != nil {
		return nil, err
	}
	return speex{p}, nil
}

func (s speex) render(far []float32) error { s.p.Render(far, 1); return nil }

// capture hands back exactly the frame it is given: voice.Processor
// processes whole frames, so a whole frame in is a whole frame out.
func (s speex) capture(mic []float32) error { return s.p.Capture(mic) }
func (s speex) close()                      { s.p.Close() }
