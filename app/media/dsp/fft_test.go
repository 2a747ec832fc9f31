package dsp

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

func TestFFT(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 1))
	for _, n := range []int{1, 2, 4, 8, 64, 512} {
		x := make([]complex128, n)
		for i := range x {
			x[i] = complex(r.NormFloat64(), r.NormFloat64())
		}
		got := append([]complex128(nil), x...)
		p := NewPlan(n)
		p.Forward(got)
		for k := range n {
			var want complex128
			for j, v := range x {
				want += v * cmplx.Exp(complex(0, -2*math.Pi*float64(j*k)/float64(n)))
			}
			if cmplx.Abs(got[k]-want) > 1e-9*float64(n) {
				t.Fatalf("n=%d: bin %d = %v, want %v", n, k, got[k], want)
			}
		}
		p.Inverse(got)
		for i := range x {
			if cmplx.Abs(got[i]-x[i]) > 1e-12*float64(n) {
				t.Fatalf("n=%d: inverse sample %d = %v, want %v", n, i, got[i], x[i])
			}
		}
	}
}
