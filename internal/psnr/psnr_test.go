package psnr

import (
	"math"
	"testing"
)

// Equal planes are infinitely close; a plane off by 1 everywhere is at
// 20·log10(255) ≈ 48.13 dB.
func TestOf(t *testing.T) {
	a := []byte{10, 20, 30, 40}
	if !math.IsInf(Of(a, a), 1) {
		t.Fatal("equal planes are not +Inf")
	}
	if got := Of(a, []byte{11, 21, 31, 41}); math.Abs(got-48.13) > 0.01 {
		t.Fatalf("off by one: %.2f dB, want 48.13", got)
	}
}
