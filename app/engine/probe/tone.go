package probe

import (
	"math"
	"sync"
)

// sampleRate is the rate of decoded call audio (Opus decodes at 48 kHz).
const sampleRate = 48000

// Tone is an audio output that keeps the last second of decoded sound and
// finds its dominant frequency. It satisfies app/audio's Output.
type Tone struct {
	mu      sync.Mutex
	ring    []float32 // mono, the last second
	pos     int
	filled  bool
	samples uint64
	writes  uint64
}

// Write implements the audio output: pcm is interleaved float32 at 48 kHz.
func (t *Tone) Write(pcm []float32, channels int) error {
	if channels < 1 {
		channels = 1
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ring == nil {
		t.ring = make([]float32, sampleRate)
	}
	t.writes++
	for i := 0; i+channels <= len(pcm); i += channels {
		t.ring[t.pos] = pcm[i] // the left channel is enough to find a tone
		t.pos++
		if t.pos == len(t.ring) {
			t.pos, t.filled = 0, true
		}
		t.samples++
	}
	return nil
}

// Close implements the audio output; a Tone holds no resources.
func (t *Tone) Close() error { return nil }

// Samples returns how many samples (per channel) were written.
func (t *Tone) Samples() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.samples
}

// Frequency returns the strongest frequency between 50 Hz and 4 kHz in the
// last second of sound (to 1 Hz), and its share of the window's energy
// (0–1; a clean tone is near 1, silence or noise near 0). It returns 0, 0
// with less than a quarter second of sound.
func (t *Tone) Frequency() (hz float64, purity float64) {
	t.mu.Lock()
	var win []float32
	if t.filled {
		win = append(append(win, t.ring[t.pos:]...), t.ring[:t.pos]...)
	} else {
		win = append(win, t.ring[:t.pos]...)
	}
	t.mu.Unlock()
	if len(win) < sampleRate/4 {
		return 0, 0
	}
	var energy float64
	for _, s := range win {
		energy += float64(s) * float64(s)
	}
	if energy == 0 {
		return 0, 0
	}
	// A coarse scan in 10 Hz steps, then 1 Hz steps around the peak.
	best, bestPow := 0.0, 0.0
	scan := func(lo, hi, step float64) {
		for f := lo; f <= hi; f += step {
			if p := goertzel(win, f); p > bestPow {
				best, bestPow = f, p
			}
		}
	}
	scan(50, 4000, 10)
	scan(best-10, best+10, 1)
	// A pure sine of power P over N samples has energy N·A²/2 and Goertzel
	// power (N·A/2)², so 2·P/(N·energy) is 1 for a pure tone.
	purity = 2 * bestPow / (float64(len(win)) * energy)
	return best, min(purity, 1)
}

// goertzel returns the power of frequency f in x.
func goertzel(x []float32, f float64) float64 {
	w := 2 * math.Pi * f / sampleRate
	coeff := 2 * math.Cos(w)
	var s1, s2 float64
	for _, v := range x {
		s0 := float64(v) + coeff*s1 - s2
		s2, s1 = s1, s0
	}
	return s1*s1 + s2*s2 - coeff*s1*s2
}
