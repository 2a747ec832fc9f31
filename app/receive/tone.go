package receive

import (
	"math"
	"math/cmplx"
	"sync"

	"github.com/parleyhq/parley/app/media/dsp"
)

// Tone meter sizes, in samples at 48 kHz. The level is the RMS of the last
// 100 ms, what a level bar should show. The frequency comes from the last
// 16384 samples (341 ms): bins 2.9 Hz wide, refined by interpolation to
// well under 1 Hz for a steady tone.
const (
	toneHistory  = 24000 // 0.5 s
	levelWindow  = 4800
	fftSize      = 16384
	minFFTFill   = 4096
	silenceLevel = 1e-4
	minFrequency = 20 // Hz
)

// toneMeter keeps the most recent mono audio so that its loudness and its
// strongest frequency can be asked for at any time: tests use it to check
// that the sender's test tone arrived, the UI to show a level.
type toneMeter struct {
	mu     sync.Mutex
	ring   [toneHistory]float32
	pos    int // where the next sample goes
	filled int
}

// write adds interleaved samples, mixed to mono.
func (m *toneMeter) write(pcm []float32, channels int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := 0; i+channels <= len(pcm); i += channels {
		v := pcm[i]
		if channels == 2 {
			v = (v + pcm[i+1]) / 2
		}
		m.ring[m.pos] = v
		m.pos = (m.pos + 1) % toneHistory
	}
	m.filled = min(toneHistory, m.filled+len(pcm)/channels)
}

// recent copies the newest n samples (fewer if not yet heard), oldest first.
func (m *toneMeter) recent(n int) []float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	n = min(n, m.filled)
	out := make([]float64, n)
	start := (m.pos - n + toneHistory) % toneHistory
	for i := range out {
		out[i] = float64(m.ring[(start+i)%toneHistory])
	}
	return out
}

// level returns the RMS of the last 100 ms, 0..1 for full-scale audio.
func (m *toneMeter) level() float64 {
	return rms(m.recent(levelWindow))
}

// dominantFrequency returns the frequency in Hz with the most energy in
// the recent audio, or 0 when there is too little audio or only silence.
func (m *toneMeter) dominantFrequency() float64 {
	s := m.recent(fftSize)
	if len(s) < minFFTFill || rms(s) < silenceLevel {
		return 0
	}
	n := 1
	for n*2 <= len(s) {
		n *= 2
	}
	s = s[len(s)-n:]
	x := make([]complex128, n)
	for i, v := range s { // Hann window: keeps a strong tone from smearing
		w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n-1))
		x[i] = complex(v*w, 0)
	}
	dsp.NewPlan(len(x)).Forward(x)
	// Start above 20 Hz: below it is DC offset and window leakage, not sound.
	low := max(1, int(math.Ceil(minFrequency*float64(n)/48000)))
	best := low
	for k := low + 1; k < n/2-1; k++ {
		if cmplx.Abs(x[k]) > cmplx.Abs(x[best]) {
			best = k
		}
	}
	// Parabolic interpolation on log magnitudes around the peak.
	a := math.Log(cmplx.Abs(x[best-1]) + 1e-12)
	b := math.Log(cmplx.Abs(x[best]) + 1e-12)
	c := math.Log(cmplx.Abs(x[best+1]) + 1e-12)
	offset := 0.0
	if d := a - 2*b + c; d != 0 {
		offset = 0.5 * (a - c) / d
	}
	return (float64(best) + offset) * 48000 / float64(n)
}

func rms(s []float64) float64 {
	if len(s) == 0 {
		return 0
	}
	var sum float64
	for _, v := range s {
		sum += v * v
	}
	return math.Sqrt(sum / float64(len(s)))
}
