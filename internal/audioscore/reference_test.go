package audioscore

import (
	"math"
	"math/rand/v2"
	"testing"
)

// synthetic returns a speech-like pair, made without espeak so that its
// score is fixed: a buzz at a wandering pitch shaped by two formants and
// chopped into 4 Hz syllables with a pause, and the same with uniform
// noise at about 0 dB SNR and 20 ms of every 150 ms zeroed.
func synthetic() (clean, degraded []float32) {
	const n = 3 * rate
	clean = make([]float32, n)
	phase := 0.0
	for i := range clean {
		t := float64(i) / rate
		f0 := 120 + 20*math.Sin(2*math.Pi*0.7*t)
		phase += 2 * math.Pi * f0 / rate
		var v float64
		for h := 1; float64(h)*f0 < 4500; h++ {
			f := float64(h) * f0
			g := math.Exp(-sq((f-500)/300)) + 0.5*math.Exp(-sq((f-1800)/500)) + 0.05
			v += g * math.Sin(float64(h)*phase)
		}
		env := sq(math.Max(0, math.Sin(2*math.Pi*4*t)))
		if t > 1.2 && t < 1.6 {
			env = 0
		}
		clean[i] = float32(0.1 * env * v)
	}
	r := rand.New(rand.NewPCG(12, 1))
	degraded = make([]float32, n)
	for i, v := range clean {
		degraded[i] = v + float32(0.1*(r.Float64()-0.5))
	}
	degraded = withGaps(degraded, 3*rate/20, rate/50)
	return clean, degraded
}

func sq(v float64) float64 { return v * v }

// The score pystoi 0.4.1 (the Python port checked against the original
// MATLAB code) gives the synthetic pair, written down when this package
// was written: it pins the whole chain, resampler and silence removal
// included, to the reference and not merely to plausible values.
func TestSTOIReference(t *testing.T) {
	t.Parallel()
	clean, degraded := synthetic()
	const want = 0.811228201543
	got := mustSTOI(t, clean, degraded, rate)
	t.Logf("STOI %.12f", got)
	if math.Abs(got-want) > 1e-6 {
		t.Errorf("STOI = %.9f, pystoi gives %.9f", got, want)
	}
}
