package voice

import (
	"math"
	"testing"
)

// The capture filter takes rumble and DC out and leaves the voice: a
// 30 Hz hum loses at least 15 dB, a DC offset goes, and 200 Hz and 1 kHz
// pass within 1 dB.
func TestHighPass(t *testing.T) {
	gain := func(hz, dc float64) float64 {
		h := newHighPass(highPassHz, SampleRate)
		x := make([]int16, SampleRate)
		for i := range x {
			x[i] = int16(8000*math.Sin(2*math.Pi*hz*float64(i)/SampleRate) + dc)
		}
		in := energy16(x[SampleRate/2:])
		h.run(x)
		return 10 * math.Log10(energy16(x[SampleRate/2:])/in)
	}
	for _, c := range []struct {
		hz, dc, lo, hi float64
	}{{30, 0, -99, -15}, {200, 0, -1, 1}, {1000, 0, -1, 1}, {0.001, 8000, -99, -40}} {
		if g := gain(c.hz, c.dc); g < c.lo || g > c.hi {
			t.Errorf("%.0f Hz (DC %.0f): %.1f dB, want %.0f to %.0f", c.hz, c.dc, g, c.lo, c.hi)
		}
	}
}

func energy16(x []int16) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return e
}
