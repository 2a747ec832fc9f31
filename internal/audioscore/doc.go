// Package audioscore scores speech quality objectively, so that Parley's
// sound benchmarks and tests compare a received recording with what was
// sent in numbers rather than by ear: STOI for intelligibility, a
// log-spectral distance for timbre, ERLE for echo cancelling, and the
// helpers that line a recording up with its reference and time clicks.
//
// Everything works on mono float32 samples in [-1, 1], the form
// app/media/wav and the audio pipeline use, and is plain Go so that it runs
// wherever the tests run.
package audioscore

import (
	"errors"
	"fmt"
	"math"
)

// The errors STOI and LogSpectralDistance wrap, so that callers can tell a
// bad call (errors.Is) from a bad score.
var (
	// ErrLength means the clean and degraded signals differ in length:
	// the scores compare them frame by frame, so the caller aligns and
	// cuts them first (Align and Slice).
	ErrLength = errors.New("audioscore: clean and degraded lengths differ")
	// ErrTooShort means too little non-silent signal is left to score.
	ErrTooShort = errors.New("audioscore: too little speech to score")
	// ErrRate means the sample rate is not one the package handles.
	ErrRate = errors.New("audioscore: unsupported sample rate")
	// ErrNotFinite means a sample is NaN or infinite, which would poison
	// every sum it enters.
	ErrNotFinite = errors.New("audioscore: sample is NaN or infinite")
	// ErrSilent means the clean signal is all zeros, so there is nothing
	// to compare against: usually a capture that failed upstream.
	ErrSilent = errors.New("audioscore: clean signal is silent")
)

// dynRange is how far below the loudest clean frame a frame may be before
// it counts as silence (the STOI rule, reused by LogSpectralDistance so
// that both look at the same speech).
const dynRange = 40.0

// eps keeps logarithms and divisions finite the way the reference STOI
// implementation does (numpy's float64 epsilon), so scores match it.
const eps = 2.220446049250313e-16

// checkPair validates the two signals every score function takes.
func checkPair(clean, degraded []float32) error {
	if len(clean) != len(degraded) {
		return fmt.Errorf("%w: %d and %d samples", ErrLength, len(clean), len(degraded))
	}
	for i := range clean {
		if !finite(clean[i]) {
			return fmt.Errorf("%w: clean sample %d", ErrNotFinite, i)
		}
		if !finite(degraded[i]) {
			return fmt.Errorf("%w: degraded sample %d", ErrNotFinite, i)
		}
	}
	return nil
}

func finite(v float32) bool {
	f := float64(v)
	return !math.IsNaN(f) && !math.IsInf(f, 0)
}

// hanning is MATLAB's hanning(n): a symmetric Hann window without the zero
// end points, which is what STOI was defined with.
func hanning(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i+1)/float64(n+1))
	}
	return w
}

// nextPow2 returns the smallest power of two not below n (1 for n <= 1).
func nextPow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}
