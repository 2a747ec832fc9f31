package voice

// Drift returns how fast the speaker's clock runs against the
// microphone's, in parts per million: positive when the speaker plays
// more samples in a second than the microphone records. The reference
// is resampled by it; it stays 0 until the echo canceller has seen both
// streams for a few seconds, and is 0 on one device (one clock).
func (p *Processor) Drift() float64 {
	p.farMu.Lock()
	defer p.farMu.Unlock()
	return p.far.ppm()
}

// ppm is the measured ratio, in parts per million above 1: positive when
// the speaker plays faster than the microphone records.
func (d *driftResampler) ppm() float64 { return d.rate * 1e6 }
