// Package dsp holds the signal-processing pieces more than one package
// needs: a fast Fourier transform.
package dsp

import (
	"math"
	"math/bits"
)

// FFT transforms x in place (radix-2, iterative); len(x) must be a power
// of two. Its users (the tone meter, the test room's convolution) need
// small transforms, so a plain implementation is enough.
func FFT(x []complex128) {
	n := len(x)
	shift := 64 - uint(bits.Len(uint(n))-1)
	for i := 0; i < n; i++ {
		j := int(bits.Reverse64(uint64(i)) >> shift)
		if j > i {
			x[i], x[j] = x[j], x[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		step := -2 * math.Pi / float64(size)
		for k := 0; k < size/2; k++ {
			w := complex(math.Cos(step*float64(k)), math.Sin(step*float64(k)))
			for start := 0; start < n; start += size {
				a, b := x[start+k], w*x[start+k+size/2]
				x[start+k], x[start+k+size/2] = a+b, a-b
			}
		}
	}
}

// IFFT is the inverse of FFT, scaled so that IFFT(FFT(x)) is x.
func IFFT(x []complex128) {
	for i, v := range x {
		x[i] = complex(real(v), -imag(v))
	}
	FFT(x)
	scale := 1 / float64(len(x))
	for i, v := range x {
		x[i] = complex(real(v)*scale, -imag(v)*scale)
	}
}
