package audioscore

import (
	"math"

	"github.com/parleyhq/parley/app/media/dsp"
)

// Align finds where ref occurs in rec: the lag in samples (positive when
// rec is late, i.e. rec[n+lag] ≈ ref[n]) in [-maxLag, maxLag] that
// maximises the normalised cross-correlation, and that correlation.
//
// peak is the correlation coefficient between ref and Slice(rec, lag,
// len(ref)), without mean removal: 1 for an exact (scaled) copy, near 0 for
// unrelated signals, so callers can refuse an alignment below, say, 0.5
// instead of scoring garbage. A polarity-inverted copy is not found. Empty
// or silent input gives (0, 0).
//
// The correlation goes through the FFT, at the next power of two above
// about len(ref)+2·maxLag points, so 30 s at 48 kHz searched over ±2 s
// takes a fraction of a second rather than the minutes a direct search
// would.
func Align(ref, rec []float32, maxLag int) (lag int, peak float64) {
	if len(ref) == 0 || len(rec) == 0 || maxLag < 0 {
		return 0, 0
	}
	// Lags outside these overlap nothing.
	lo := max(-maxLag, -(len(ref) - 1))
	hi := min(maxLag, len(rec)-1)

	// Only rec[s0:e0] can meet ref at a lag in [lo, hi].
	s0 := max(0, lo)
	e0 := min(len(rec), len(ref)+hi)
	seg := rec[s0:e0]
	dmin, dmax := lo-s0, hi-s0 // lags relative to seg
	n := nextPow2(max(len(ref)+dmax, len(seg)-dmin, len(ref), len(seg)))

	// Both real signals go through one complex FFT, as real and imaginary
	// parts, and are separated by symmetry: it halves the time and memory
	// of the largest step.
	z := make([]complex128, n)
	for i, v := range ref {
		z[i] = complex(float64(v), 0)
	}
	for i, v := range seg {
		z[i] = complex(real(z[i]), float64(v))
	}
	plan := dsp.NewPlan(n)
	plan.Forward(z)
	for k := 0; k <= n/2; k++ {
		j := (n - k) % n
		zk, zj := z[k], z[j]
		// A = FFT(ref), B = FFT(seg); store conj(A)·B, the spectrum of the
		// cross-correlation, at k and at n-k.
		ak := (zk + cmplxConj(zj)) / 2
		bk := (zk - cmplxConj(zj)) / 2i
		aj := (zj + cmplxConj(zk)) / 2
		bj := (zj - cmplxConj(zk)) / 2i
		z[k] = cmplxConj(ak) * bk
		z[j] = cmplxConj(aj) * bj
	}
	plan.Inverse(z)

	var refE float64
	for _, v := range ref {
		refE += float64(v) * float64(v)
	}
	// cum[i] is the energy of rec[:i], for the energy of each window.
	cum := make([]float64, len(rec)+1)
	for i, v := range rec {
		cum[i+1] = cum[i] + float64(v)*float64(v)
	}
	// Windows this far below rec's total energy are rounding noise in cum
	// and in the FFT, not signal; dividing by them would make up peaks.
	floor := cum[len(rec)] * 1e-12
	window := func(l int) float64 {
		a, b := max(0, l), min(len(rec), l+len(ref))
		if b <= a {
			return 0
		}
		if e := cum[b] - cum[a]; e > floor {
			return e
		}
		return 0
	}

	best, bestLag := 0.0, 0
	for l := lo; l <= hi; l++ {
		d := l - s0
		c := real(z[(d%n+n)%n])
		e := window(l) * refE
		if e <= 0 {
			continue
		}
		r := c / math.Sqrt(e)
		if r > best || (r == best && abs(l) < abs(bestLag)) {
			best, bestLag = r, l
		}
	}
	return bestLag, min(best, 1)
}

// Slice returns n samples of rec starting at index lag, with zeros where
// that runs off either end, so that Slice(rec, lag, len(ref)) lines up with
// ref after Align.
func Slice(rec []float32, lag, n int) []float32 {
	if n <= 0 {
		return []float32{}
	}
	out := make([]float32, n)
	a, b := max(0, lag), min(len(rec), lag+n)
	if a < b {
		copy(out[a-lag:], rec[a:b])
	}
	return out
}

func cmplxConj(v complex128) complex128 { return complex(real(v), -imag(v)) }

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
