// Package dsp holds the signal-processing pieces more than one package
// needs: a fast Fourier transform.
package dsp

import (
	"math"
	"math/bits"
)

// Plan is a radix-2 FFT of one size with its twiddles computed once: its
// users make many transforms of one size (the test room's convolution,
// STOI) or one very large one (aligning recordings), and recomputing sines
// in the butterfly loop would dominate both.
type Plan struct {
	n     int
	shift uint
	tw    []complex128 // exp(-2πik/n) for k < n/2
}

// NewPlan returns a plan for n points; n must be a power of two.
func NewPlan(n int) *Plan {
	if n < 1 || n&(n-1) != 0 {
		panic("dsp: FFT size is not a power of two")
	}
	p := &Plan{n: n, shift: uint(64 - (bits.Len(uint(n)) - 1)), tw: make([]complex128, n/2)}
	for k := range p.tw {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		p.tw[k] = complex(c, s)
	}
	return p
}

// Forward transforms x (len n) in place, unnormalised.
func (p *Plan) Forward(x []complex128) {
	n := p.n
	x = x[:n]
	if n < 2 {
		return
	}
	for i := 0; i < n; i++ {
		j := int(bits.Reverse64(uint64(i)) >> p.shift)
		if j > i {
			x[i], x[j] = x[j], x[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		half, stride := size/2, n/size
		for start := 0; start < n; start += size {
			a, b := x[start:start+half], x[start+half:start+size]
			for k := range a {
				t := p.tw[k*stride] * b[k]
				a[k], b[k] = a[k]+t, a[k]-t
			}
		}
	}
}

// Inverse transforms x in place and divides by n, undoing Forward.
func (p *Plan) Inverse(x []complex128) {
	x = x[:p.n]
	for i, v := range x {
		x[i] = complex(real(v), -imag(v))
	}
	p.Forward(x)
	s := 1 / float64(p.n)
	for i, v := range x {
		x[i] = complex(real(v)*s, -imag(v)*s)
	}
}
