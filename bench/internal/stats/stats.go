// Package stats summarises repeated measurements the way the benchmark
// reports them: median, 95th percentile, minimum and maximum. Single runs on
// a shared 2-core machine are noisy, so every figure is a distribution.
package stats

import (
	"math"
	"slices"
)

// Summary describes a set of samples. With no samples every field is zero
// and N says so.
type Summary struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	P95    float64 `json:"p95"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// Summarize returns the summary of xs; it does not modify xs. NaNs are
// dropped: they come from runs that produced no figure.
func Summarize(xs []float64) Summary {
	s := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			s = append(s, x)
		}
	}
	if len(s) == 0 {
		return Summary{}
	}
	slices.Sort(s)
	return Summary{
		N:      len(s),
		Median: Quantile(s, 0.5),
		P95:    Quantile(s, 0.95),
		Min:    s[0],
		Max:    s[len(s)-1],
	}
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of sorted samples, with
// linear interpolation between the two nearest ranks (the definition
// numpy and most spreadsheets use by default), so that the median of an
// even count is the mean of the middle two. It returns NaN for no samples.
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	q = min(max(q, 0), 1)
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo])
}

// Ratio returns a/b, or NaN when either is missing (zero N or b zero), so
// a table shows "–" instead of a misleading figure.
func Ratio(a, b float64) float64 {
	if b == 0 || math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN()
	}
	return a / b
}
