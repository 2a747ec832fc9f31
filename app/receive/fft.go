package receive

import (
	"math"
	"math/bits"
)

// fft transforms x in place (radix-2, iterative); len(x) must be a power
// of two. The tone meter needs one transform now and then, so a plain
// implementation is enough.
func fft(x []complex128) {
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
		for start := 0; start < n; start += size {
			for k := 0; k < size/2; k++ {
				w := complex(math.Cos(step*float64(k)), math.Sin(step*float64(k)))
				a, b := x[start+k], w*x[start+k+size/2]
				x[start+k], x[start+k+size/2] = a+b, a-b
			}
		}
	}
}
