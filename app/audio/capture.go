package audio

import "sync"

// Capture is an Output that keeps the most recent audio as mono, so tests
// (and diagnostics) can check what a listener would have heard.
type Capture struct {
	max int

	mu     sync.Mutex
	mono   []float32
	closed bool
}

// NewCapture keeps at most seconds of audio, dropping the oldest.
func NewCapture(seconds float64) *Capture {
	return &Capture{max: int(seconds * SampleRate)}
}

// Write appends pcm, averaging stereo to mono.
func (c *Capture) Write(pcm []float32, channels int) error {
	if err := checkChannels(channels); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	for i := 0; i+channels <= len(pcm); i += channels {
		v := pcm[i]
		if channels == 2 {
			v = (v + pcm[i+1]) / 2
		}
		c.mono = append(c.mono, v)
	}
	// Trim in batches so that a full capture does not copy on every Write.
	if len(c.mono) >= c.max+c.max/2+1 {
		c.mono = append(c.mono[:0], c.mono[len(c.mono)-c.max:]...)
	}
	return nil
}

// Samples returns a copy of the kept audio, oldest first.
func (c *Capture) Samples() []float32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.mono
	if len(m) > c.max {
		m = m[len(m)-c.max:]
	}
	return append([]float32(nil), m...)
}

// Close makes further Writes fail; the samples stay readable.
func (c *Capture) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return nil
}
