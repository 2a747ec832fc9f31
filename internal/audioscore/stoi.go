package audioscore

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/parleyhq/parley/app/media/dsp"
)

// STOI's parameters, fixed by the method (Taal et al. 2011): changing any
// of them makes scores incomparable with published ones.
const (
	stoiRate    = 10000 // Hz the method works at
	stoiFrame   = 256   // samples per frame
	stoiHop     = stoiFrame / 2
	stoiNFFT    = 512
	stoiBands   = 15
	stoiMinFreq = 150.0 // Hz, centre of the lowest third-octave band
	stoiSegment = 30    // frames per short-time segment (384 ms)
	stoiBeta    = -15.0 // dB, lower signal-to-distortion bound
)

// stoiBandEdges[b] holds the FFT bins [lo, hi) of third-octave band b.
var stoiBandEdges = thirdOctaveBands(stoiRate, stoiNFFT, stoiBands, stoiMinFreq)

// STOI returns the Short-Time Objective Intelligibility of degraded
// against clean (Taal, Hendriks, Heusdens, Jensen, IEEE TASLP 2011),
// computed as the reference MATLAB code and pystoi compute it, so that a
// score can be set beside published ones. It is a mean of correlation
// coefficients, so at most 1 (clean speech against itself) and in
// practice above 0; higher means more intelligible.
//
// The signals must be equally long and time-aligned (see Align and Slice):
// STOI compares 384 ms envelopes and a misalignment of even a few
// milliseconds costs score. rate may be any common rate from 8 to 192 kHz
// (an odd one such as 47999 Hz gives ErrRate); both signals are resampled
// to 10 kHz. Frames where clean is more than 40 dB
// below its loudest frame are dropped from both. At least 30 frames
// (about 0.4 s) of speech must remain, or ErrTooShort is returned.
func STOI(clean, degraded []float32, rate int) (float64, error) {
	if err := checkPair(clean, degraded); err != nil {
		return 0, err
	}
	rs, err := newResampler(rate, stoiRate)
	if err != nil {
		return 0, err
	}
	x, y := rs.apply2(clean, degraded)
	x, y, err = removeSilentFrames(x, y)
	if err != nil {
		return 0, err
	}
	xb, yb := bandEnvelopes(x), bandEnvelopes(y)
	frames := len(xb[0])
	if frames < stoiSegment {
		return 0, fmt.Errorf("%w: %d frames of speech; STOI needs %d", ErrTooShort, frames, stoiSegment)
	}

	clip := 1 + math.Pow(10, -stoiBeta/20)
	var sum float64
	var xs, ys [stoiSegment]float64
	for b := range stoiBands {
		for m := stoiSegment; m <= frames; m++ {
			copy(xs[:], xb[b][m-stoiSegment:m])
			copy(ys[:], yb[b][m-stoiSegment:m])
			sum += segmentCorrelation(&xs, &ys, clip)
		}
	}
	return sum / float64(stoiBands*(frames-stoiSegment+1)), nil
}

// segmentCorrelation is the intermediate intelligibility of one band over
// one segment: the degraded envelope is scaled to the clean one's energy,
// clipped to the signal-to-distortion bound, and correlated. xs and ys are
// overwritten.
func segmentCorrelation(xs, ys *[stoiSegment]float64, clip float64) float64 {
	alpha := norm(xs[:]) / (norm(ys[:]) + eps)
	for i := range ys {
		ys[i] = min(ys[i]*alpha, xs[i]*clip)
	}
	center(xs[:])
	center(ys[:])
	nx, ny := norm(xs[:])+eps, norm(ys[:])+eps
	var dot float64
	for i := range xs {
		dot += (xs[i] / nx) * (ys[i] / ny)
	}
	return dot
}

func norm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

func center(v []float64) {
	var m float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for i := range v {
		v[i] -= m
	}
}

// removeSilentFrames drops the frames in which x is more than dynRange dB
// below its loudest frame, from x and from y alike, and overlap-adds the
// windowed frames that are left, as the reference does: speech pauses
// would otherwise count as perfectly intelligible or hopeless depending
// on the noise, and pull every score towards noise-only statistics.
func removeSilentFrames(x, y []float64) ([]float64, []float64, error) {
	w := hanning(stoiFrame)
	var starts []int
	for i := 0; i < len(x)-stoiFrame; i += stoiHop {
		starts = append(starts, i)
	}
	if len(starts) == 0 {
		return nil, nil, fmt.Errorf("%w: %d samples at 10 kHz", ErrTooShort, len(x))
	}
	energy := make([]float64, len(starts))
	loudest := math.Inf(-1)
	var sound bool
	for f, s := range starts {
		var e float64
		for i, wi := range w {
			v := wi * x[s+i]
			e += v * v
		}
		sound = sound || e > 0
		energy[f] = 20 * math.Log10(math.Sqrt(e)+eps)
		loudest = max(loudest, energy[f])
	}
	if !sound {
		return nil, nil, ErrSilent
	}
	var kept []int
	for f, s := range starts {
		if loudest-dynRange-energy[f] < 0 {
			kept = append(kept, s)
		}
	}
	n := (len(kept)-1)*stoiHop + stoiFrame
	xo, yo := make([]float64, n), make([]float64, n)
	for k, s := range kept {
		o := k * stoiHop
		for i, wi := range w {
			xo[o+i] += wi * x[s+i]
			yo[o+i] += wi * y[s+i]
		}
	}
	return xo, yo, nil
}

// bandEnvelopes returns the third-octave band magnitudes of x, indexed
// [band][frame], from a Hann-windowed STFT with 50% overlap.
func bandEnvelopes(x []float64) [][]float64 {
	w := hanning(stoiFrame)
	plan := dsp.NewPlan(stoiNFFT)
	buf := make([]complex128, stoiNFFT)
	out := make([][]float64, stoiBands)
	for s := 0; s < len(x)-stoiFrame; s += stoiHop {
		for i := range buf {
			buf[i] = 0
		}
		for i, wi := range w {
			buf[i] = complex(wi*x[s+i], 0)
		}
		plan.Forward(buf)
		for b, e := range stoiBandEdges {
			var p float64
			for _, v := range buf[e[0]:e[1]] {
				a := cmplx.Abs(v)
				p += a * a
			}
			out[b] = append(out[b], math.Sqrt(p))
		}
	}
	return out
}

// thirdOctaveBands returns, for each of n bands from centre minFreq up,
// the FFT bins [lo, hi) it sums: each band edge is moved to the nearest
// bin, as in the reference, so the bands tile the spectrum without gaps.
func thirdOctaveBands(rate, nfft, n int, minFreq float64) [][2]int {
	nearest := func(f float64) int {
		best, bestD := 0, math.Inf(1)
		for k := 0; k <= nfft/2; k++ {
			d := float64(k)*float64(rate)/float64(nfft) - f
			if d*d < bestD {
				best, bestD = k, d*d
			}
		}
		return best
	}
	bands := make([][2]int, n)
	for k := range bands {
		lo := minFreq * math.Pow(2, float64(2*k-1)/6)
		hi := minFreq * math.Pow(2, float64(2*k+1)/6)
		bands[k] = [2]int{nearest(lo), nearest(hi)}
	}
	return bands
}
