package audioscore

import (
	"errors"
	"math"
	"math/cmplx"
	"testing"
)

// tone measures the amplitude of y at freq (rate sr) by projecting on a
// complex exponential, and its frequency from the first and last rising
// zero crossings, both over y with the filter's edge effects cut off.
func tone(y []float64, sr int, freq float64) (amp, measured float64) {
	var acc complex128
	for i, v := range y {
		acc += complex(v, 0) * cmplx.Exp(complex(0, -2*math.Pi*freq*float64(i)/float64(sr)))
	}
	amp = 2 * cmplx.Abs(acc) / float64(len(y))
	first, last, n := -1.0, -1.0, 0
	for i := 1; i < len(y); i++ {
		if y[i-1] < 0 && y[i] >= 0 {
			at := float64(i-1) + y[i-1]/(y[i-1]-y[i])
			if first < 0 {
				first = at
			}
			last = at
			n++
		}
	}
	return amp, float64(n-1) * float64(sr) / (last - first)
}

func TestResamplerTone(t *testing.T) {
	t.Parallel()
	for _, from := range []int{48000, 44100, 16000, 8000} {
		r, err := newResampler(from, stoiRate)
		if err != nil {
			t.Fatal(err)
		}
		x := sine(from, from, 1000, 0.5) // one second
		y, _ := r.apply2(x, x)
		if want := stoiRate; len(y) != want {
			t.Errorf("%d Hz: %d samples out, want %d", from, len(y), want)
		}
		amp, freq := tone(y[1000:9000], stoiRate, 1000) // whole periods, away from the ends
		t.Logf("%d Hz: %.3f Hz at %.5f", from, freq, amp)
		if math.Abs(amp-0.5) > 0.005 || math.Abs(freq-1000) > 1 {
			t.Errorf("%d Hz: 1 kHz tone at 0.5 came out as %.2f Hz at %.4f", from, freq, amp)
		}
	}
}

// Above the new Nyquist frequency nothing may fold back into the band.
func TestResamplerStopBand(t *testing.T) {
	t.Parallel()
	r, err := newResampler(48000, stoiRate)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []float64{5500, 8000, 12000, 20000} {
		x := sine(rate, rate, f, 0.5)
		y, _ := r.apply2(x, x)
		var e float64
		for _, v := range y[1000:9000] {
			e += v * v
		}
		gain := 10 * math.Log10(e/8000/power(x))
		t.Logf("%.0f Hz tone: %.1f dB", f, gain)
		if gain > -40 {
			t.Errorf("%.0f Hz tone: %.1f dB after resampling, want below -40 dB", f, gain)
		}
	}
}

// The output is not delayed: a click stays at the same time.
func TestResamplerDelay(t *testing.T) {
	t.Parallel()
	r, err := newResampler(48000, stoiRate)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, rate/10)
	x[2400] = 1 // 50 ms, output sample 500
	y, _ := r.apply2(x, x)
	peak := 0
	for i := range y {
		if math.Abs(y[i]) > math.Abs(y[peak]) {
			peak = i
		}
	}
	if peak != 500 {
		t.Errorf("impulse at 50 ms came out at sample %d, want 500", peak)
	}
}

func TestResamplerRates(t *testing.T) {
	t.Parallel()
	for _, ok := range []int{8000, 10000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000, 176400, 192000} {
		if _, err := newResampler(ok, stoiRate); err != nil {
			t.Errorf("%d Hz: %v", ok, err)
		}
	}
	for _, bad := range []int{-1, 0, 7999, 47999, 44101, 192001} {
		if _, err := newResampler(bad, stoiRate); !errors.Is(err, ErrRate) {
			t.Errorf("%d Hz: %v, want ErrRate", bad, err)
		}
	}
}
