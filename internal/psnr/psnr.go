// Package psnr compares 8-bit planes for tests: how close a decoded
// picture is to its source.
package psnr

import "math"

// Of returns the peak signal-to-noise ratio of b against a, in dB, over
// a's length (b must be at least as long); +Inf when they are equal.
func Of(a, b []byte) float64 {
	var se float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		se += d * d
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255*float64(len(a))/se)
}
