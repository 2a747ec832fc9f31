package receive

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/parleyhq/parley/app/media/dsp"
)

func TestToneMeterFindsFrequencyAndLevel(t *testing.T) {
	for _, f := range []float64{97, 440, 1000, 3517.3} {
		var m toneMeter
		pcm := make([]float32, 2*960)
		n := 0
		for k := 0; k < 30; k++ { // 0.6 s of stereo, more than the history
			for i := 0; i < 960; i++ {
				v := float32(0.5 * math.Sin(2*math.Pi*f*float64(n)/48000))
				pcm[2*i], pcm[2*i+1] = v, v
				n++
			}
			m.write(pcm, 2)
		}
		if got := m.dominantFrequency(); math.Abs(got-f) > 0.5 {
			t.Errorf("%v Hz tone: found %.2f Hz", f, got)
		}
		if l := m.level(); math.Abs(l-0.5/math.Sqrt2) > 0.01 {
			t.Errorf("%v Hz tone: level %.3f, want %.3f", f, l, 0.5/math.Sqrt2)
		}
	}
}

func TestToneMeterSilence(t *testing.T) {
	var m toneMeter
	if m.dominantFrequency() != 0 || m.level() != 0 {
		t.Fatal("empty meter reports sound")
	}
	m.write(make([]float32, 20000), 1)
	if m.dominantFrequency() != 0 || m.level() != 0 {
		t.Fatal("silence reports sound")
	}
}

func TestFFTMatchesDFT(t *testing.T) {
	x := make([]complex128, 16)
	for i := range x {
		x[i] = complex(math.Sin(float64(i)*0.7)+float64(i%3), math.Cos(float64(i)))
	}
	want := make([]complex128, len(x))
	for k := range want {
		for j, v := range x {
			want[k] += v * cmplx.Exp(complex(0, -2*math.Pi*float64(j*k)/float64(len(x))))
		}
	}
	dsp.NewPlan(len(x)).Forward(x)
	for k := range x {
		if cmplx.Abs(x[k]-want[k]) > 1e-9 {
			t.Fatalf("bin %d: %v, want %v", k, x[k], want[k])
		}
	}
}
