package audioscore

import (
	"errors"
	"math"
	"testing"
)

func TestSTOIIdentical(t *testing.T) {
	t.Parallel()
	x := speech(t, sentenceA)
	if d := mustSTOI(t, x, x, rate); d < 0.999 {
		t.Errorf("STOI(x, x) = %.4f, want > 0.999", d)
	}
}

func TestSTOIGainInvariant(t *testing.T) {
	t.Parallel()
	x := speech(t, sentenceA)
	if d := mustSTOI(t, x, scale(x, 0.3), rate); d < 0.999 {
		t.Errorf("STOI(x, 0.3x) = %.4f, want > 0.999", d)
	}
}

// White noise: the score falls with SNR and lands where this speech put it
// when the implementation was checked against pystoi (+20 dB 0.998,
// +5 dB 0.963, -5 dB 0.836 for sentence A; B is within 0.02 of those).
func TestSTOINoise(t *testing.T) {
	t.Parallel()
	for _, text := range []string{sentenceA, sentenceB} {
		x := speech(t, text)
		levels := []struct {
			snr    float64
			lo, hi float64
		}{
			{20, 0.99, 1},
			{5, 0.93, 0.985},
			{-5, 0.75, 0.90},
		}
		prev := math.Inf(1)
		for _, l := range levels {
			d := mustSTOI(t, x, withNoise(x, l.snr, 1), rate)
			t.Logf("%.20s… at %+3.0f dB: STOI %.4f", text, l.snr, d)
			if d < l.lo || d > l.hi {
				t.Errorf("%.20s… at %+.0f dB SNR: STOI %.4f, want %.2f to %.2f", text, l.snr, d, l.lo, l.hi)
			}
			if d >= prev {
				t.Errorf("%.20s… at %+.0f dB SNR: STOI %.4f, not below %.4f at the SNR before", text, l.snr, d, prev)
			}
			prev = d
		}
	}
}

func TestSTOIDifferentSentence(t *testing.T) {
	t.Parallel()
	a, b := speech(t, sentenceA), speech(t, sentenceB)
	n := min(len(a), len(b))
	if d := mustSTOI(t, a[:n], b[:n], rate); d > 0.4 {
		t.Errorf("STOI of two different sentences = %.4f, want < 0.4", d)
	}
}

// Unconcealed packet loss: 20 ms lost in every 100 ms hurts, 60 ms in
// every 100 ms hurts much more.
func TestSTOILoss(t *testing.T) {
	t.Parallel()
	x := speech(t, sentenceA)
	period := rate / 10
	light := mustSTOI(t, x, withGaps(x, period, rate/50), rate)
	heavy := mustSTOI(t, x, withGaps(x, period, 3*rate/50), rate)
	t.Logf("STOI with 20 ms lost per 100 ms %.4f, with 60 ms %.4f", light, heavy)
	if !(light < 0.95 && heavy < light-0.1) {
		t.Errorf("STOI with 20 ms lost %.4f, with 60 ms %.4f: want 1 > light > heavy by a clear margin", light, heavy)
	}
}

// Noise while the clean signal is silent is dropped with the silent
// frames, so it costs (almost) nothing, while the same noise over speech
// would cost a lot.
func TestSTOISilenceRemoved(t *testing.T) {
	t.Parallel()
	x := speech(t, sentenceA)
	pad := rate / 2
	clean := make([]float32, pad+len(x)+pad)
	copy(clean[pad:], x)
	degraded := noise(len(clean), math.Sqrt(power(x)), 2)
	copy(degraded[pad:], x)
	d := mustSTOI(t, clean, degraded, rate)
	t.Logf("STOI with noise at speech level in the pauses: %.4f", d)
	if d < 0.99 {
		t.Errorf("STOI with noise only in the pauses = %.4f, want > 0.99", d)
	}
}

// The same signals at other rates score as at 48 kHz: the resampler to
// 10 kHz does not colour the result.
func TestSTOIRates(t *testing.T) {
	t.Parallel()
	x := speech(t, sentenceA)[:3*rate]
	y := withNoise(x, 0, 3)
	want := mustSTOI(t, x, y, rate)
	// 8 kHz loses the top band's upper part, which moves the score a little.
	for _, c := range []struct {
		rate int
		tol  float64
	}{{44100, 0.001}, {16000, 0.001}, {8000, 0.01}} {
		rs, err := newResampler(rate, c.rate)
		if err != nil {
			t.Fatal(err)
		}
		xr, yr := rs.apply2(x, y)
		got := mustSTOI(t, float32s(xr), float32s(yr), c.rate)
		t.Logf("STOI at %d Hz %.4f, at 48 kHz %.4f", c.rate, got, want)
		if math.Abs(got-want) > c.tol {
			t.Errorf("STOI at %d Hz = %.4f, at 48 kHz %.4f", c.rate, got, want)
		}
	}
}

func TestSTOIErrors(t *testing.T) {
	t.Parallel()
	x := speech(t, sentenceA)
	nan := append([]float32(nil), x...)
	nan[1000] = float32(math.NaN())
	inf := append([]float32(nil), x...)
	inf[2000] = float32(math.Inf(-1))
	for _, c := range []struct {
		name        string
		clean, degr []float32
		rate        int
		want        error
	}{
		{"empty", nil, nil, rate, ErrTooShort},
		{"one sample", []float32{0.5}, []float32{0.5}, rate, ErrTooShort},
		{"0.3 s", x[:rate*3/10], x[:rate*3/10], rate, ErrTooShort},
		{"lengths", x, x[:len(x)-1], rate, ErrLength},
		{"NaN clean", nan, x, rate, ErrNotFinite},
		{"Inf degraded", x, inf, rate, ErrNotFinite},
		{"silent", make([]float32, len(x)), x, rate, ErrSilent},
		{"rate 0", x, x, 0, ErrRate},
		{"rate -48000", x, x, -48000, ErrRate},
		{"rate 7999", x, x, 7999, ErrRate},
		{"rate 47999", x, x, 47999, ErrRate},
		{"rate 384000", x, x, 384000, ErrRate},
	} {
		d, err := STOI(c.clean, c.degr, c.rate)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: STOI = %v, %v; want error %v", c.name, d, err, c.want)
		}
	}
}

func float32s(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

func BenchmarkSTOI(b *testing.B) {
	x := append(append([]float32(nil), speech(b, sentenceA)...), speech(b, sentenceB)...)
	x = append(x, make([]float32, 10*rate-len(x))...)
	y := withNoise(x, 5, 4)
	b.ResetTimer()
	for b.Loop() {
		if _, err := STOI(x, y, rate); err != nil {
			b.Fatal(err)
		}
	}
}
