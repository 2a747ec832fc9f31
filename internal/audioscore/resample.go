package audioscore

import (
	"fmt"
	"math"
	"slices"
)

// maxUp bounds the reduced up-sampling factor: the anti-alias filter grows
// with max(up, down), and every common rate from 8 to 192 kHz needs at
// most 400 (11025 Hz into 10 kHz), while an odd rate such as 47999 Hz
// would need a filter of millions of taps.
const maxUp = 400

// resampler converts between two rates by a rational factor up/down with
// a Kaiser-windowed sinc, designed as Octave's resample designs it (60 dB
// stop band, transition a tenth of the cut-off wide): the reference STOI
// implementations resample that way, and the band edges near 5 kHz are in
// the score.
type resampler struct {
	up, down int
	half     int // the filter has 2*half+1 taps at the up-sampled rate
	// phases[r] holds the taps h[r], h[r+up], h[r+2up]… in reverse order,
	// where h[half] is the centre: the taps that meet input samples when
	// the output falls at phase r, laid out so the inner loop walks both
	// taps and input forwards.
	phases [][]float64
}

// newResampler designs the filter from rate from to rate to.
func newResampler(from, to int) (*resampler, error) {
	if from < 8000 || from > 192000 {
		return nil, fmt.Errorf("%w: %d Hz; want 8 to 192 kHz", ErrRate, from)
	}
	g := gcd(from, to)
	up, down := to/g, from/g
	if up > maxUp {
		return nil, fmt.Errorf("%w: %d Hz does not convert to %d Hz by a small ratio", ErrRate, from, to)
	}
	r := &resampler{up: up, down: down}
	if up == 1 && down == 1 {
		return r, nil
	}
	const rejection = 60.0 // dB
	cutoff := 1 / (2 * float64(max(up, down)))
	width := cutoff / 10
	r.half = int(math.Ceil((rejection - 8) / (28.714 * width)))
	beta := 0.1102 * (rejection - 8.7)
	i0b := besselI0(beta)
	h := make([]float64, 2*r.half+1)
	sum := 0.0
	for i := range h {
		t := float64(i - r.half)
		u := t / float64(r.half)
		w := besselI0(beta*math.Sqrt(max(0, 1-u*u))) / i0b
		h[i] = w * sinc(2*cutoff*t)
		sum += h[i]
	}
	// Unit gain at DC for every output phase on average: the taps sum to
	// up, because only one in up of the up-sampled inputs is non-zero.
	r.phases = make([][]float64, up)
	for p := range r.phases {
		var taps []float64
		for i := p; i < len(h); i += up {
			taps = append(taps, h[i]*float64(up)/sum)
		}
		slices.Reverse(taps)
		r.phases[p] = taps
	}
	return r, nil
}

// apply2 resamples two equal-length signals together, sharing the index
// arithmetic. Output sample k sits at input time k*down/up (no delay), the
// signals are taken as zero outside their ends, and there are
// ceil(len*up/down) outputs.
func (r *resampler) apply2(x, y []float32) ([]float64, []float64) {
	n := len(x)
	if r.up == 1 && r.down == 1 {
		xo, yo := make([]float64, n), make([]float64, n)
		for i := range x {
			xo[i], yo[i] = float64(x[i]), float64(y[i])
		}
		return xo, yo
	}
	nOut := (n*r.up + r.down - 1) / r.down
	xo, yo := make([]float64, nOut), make([]float64, nOut)
	for k := range xo {
		// Output k sits at k*down on the up-sampled grid and takes input j
		// through tap k*down+half-j*up, so the taps come from phase t%up
		// and the last input they reach is t/up.
		t := k*r.down + r.half
		taps := r.phases[t%r.up]
		j0 := t/r.up - len(taps) + 1 // input under taps[0]
		if j0 < 0 {
			taps = taps[-j0:]
			j0 = 0
		}
		if j0 >= n {
			continue
		}
		if j0+len(taps) > n {
			taps = taps[:n-j0]
		}
		xs, ys := x[j0:j0+len(taps)], y[j0:j0+len(taps)]
		var sx, sy float64
		for i, c := range taps {
			sx += c * float64(xs[i])
			sy += c * float64(ys[i])
		}
		xo[k], yo[k] = sx, sy
	}
	return xo, yo
}

// besselI0 is the modified Bessel function of the first kind, order 0,
// by its power series; the Kaiser window needs it for arguments below 10,
// where the series converges in a few dozen terms.
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	q := x * x / 4
	for k := 1; k < 500; k++ {
		term *= q / float64(k*k)
		sum += term
		if term < sum*1e-17 {
			break
		}
	}
	return sum
}

// sinc is the normalised sinc, sin(πx)/(πx).
func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
