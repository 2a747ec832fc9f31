package audioscore

import (
	"errors"
	"math"
	"testing"
)

func TestLSDIdentical(t *testing.T) {
	t.Parallel()
	x := speech(t, sentenceA)
	d, err := LogSpectralDistance(x, x, rate)
	if err != nil || d > 1e-6 {
		t.Errorf("LSD(x, x) = %v, %v; want 0", d, err)
	}
}

func TestLSDNoise(t *testing.T) {
	t.Parallel()
	x := speech(t, sentenceA)
	prev := 0.0
	for _, snr := range []float64{30, 20, 10, 0} {
		d, err := LogSpectralDistance(x, withNoise(x, snr, 9), rate)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("LSD at %+.0f dB SNR: %.2f dB", snr, d)
		if d <= prev+1 {
			t.Errorf("LSD at %+.0f dB SNR = %.2f dB, want clearly above %.2f at the SNR before", snr, d, prev)
		}
		prev = d
	}
}

// A gain shows up in full in every bin that is above the floor: LSD
// measures level as well as timbre.
func TestLSDGain(t *testing.T) {
	t.Parallel()
	x := speech(t, sentenceA)
	d, err := LogSpectralDistance(x, scale(x, 0.5), rate)
	want := -20 * math.Log10(0.5)
	if err != nil || d > want+0.01 || d < want-1 {
		t.Errorf("LSD(x, x/2) = %v, %v; want about %.2f dB", d, err, want)
	}
}

// Zeroed stretches cost, more the longer they are, and a finite amount
// thanks to the floor.
func TestLSDLoss(t *testing.T) {
	t.Parallel()
	x := speech(t, sentenceA)
	light, err1 := LogSpectralDistance(x, withGaps(x, rate/10, rate/50), rate)
	heavy, err2 := LogSpectralDistance(x, withGaps(x, rate/10, 3*rate/50), rate)
	t.Logf("LSD with 20 ms lost per 100 ms: %.2f dB, with 60 ms: %.2f dB", light, heavy)
	if err1 != nil || err2 != nil || light < 3 || heavy < light+5 || math.IsInf(heavy, 0) {
		t.Errorf("LSD with loss = %v, %v (20 ms) and %v, %v (60 ms); want finite, large and growing", light, err1, heavy, err2)
	}
}

func TestLSDErrors(t *testing.T) {
	t.Parallel()
	x := speech(t, sentenceA)
	nan := append([]float32(nil), x...)
	nan[5] = float32(math.NaN())
	for _, c := range []struct {
		name        string
		clean, degr []float32
		rate        int
		want        error
	}{
		{"empty", nil, nil, rate, ErrTooShort},
		{"one sample", []float32{0.5}, []float32{0.5}, rate, ErrTooShort},
		{"lengths", x, x[:10], rate, ErrLength},
		{"NaN", x, nan, rate, ErrNotFinite},
		{"silent", make([]float32, len(x)), x, rate, ErrSilent},
		{"rate 0", x, x, 0, ErrRate},
		{"rate 1000000", x, x, 1000000, ErrRate},
	} {
		d, err := LogSpectralDistance(c.clean, c.degr, c.rate)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: LSD = %v, %v; want error %v", c.name, d, err, c.want)
		}
	}
}
