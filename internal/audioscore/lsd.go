package audioscore

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/parleyhq/parley/app/media/dsp"
)

// LogSpectralDistance returns the mean log-spectral distance of degraded
// from clean in dB: for each 20 ms frame (Hann window, 50% overlap) the
// RMS over frequency bins up to 8 kHz of the difference of the two power
// spectra in dB, averaged over the frames where clean is not silent (the
// STOI 40 dB rule). 0 means identical spectra; it grows with any change of
// timbre, noise or loss, which STOI, being about intelligibility, may
// shrug off. Bin power is floored at -100 dB (white noise of unit variance
// being 0 dB), so a dropped frame costs a large but finite amount. Level
// counts as well as timbre: a gain g adds about |20·log10 g| dB, so a
// caller after timbre alone matches levels first.
//
// The signals must be equally long and aligned; rate may be 8 to 192 kHz
// (no resampling: bins are chosen for rate).
func LogSpectralDistance(clean, degraded []float32, rate int) (float64, error) {
	if err := checkPair(clean, degraded); err != nil {
		return 0, err
	}
	if rate < 8000 || rate > 192000 {
		return 0, fmt.Errorf("%w: %d Hz; want 8 to 192 kHz", ErrRate, rate)
	}
	frame := rate / 50
	hop := frame / 2
	if len(clean) < frame {
		return 0, fmt.Errorf("%w: %d samples; one 20 ms frame is %d", ErrTooShort, len(clean), frame)
	}
	nfft := nextPow2(frame)
	top := min(nfft/2, 8000*nfft/rate) // last bin, at most 8 kHz
	w := hanning(frame)
	var wE float64
	for _, v := range w {
		wE += v * v
	}
	const floor = 1e-10 // -100 dB

	var starts []int
	var energy []float64
	loudest := math.Inf(-1)
	var sound bool
	for s := 0; s+frame <= len(clean); s += hop {
		var e float64
		for i, wi := range w {
			v := wi * float64(clean[s+i])
			e += v * v
		}
		sound = sound || e > 0
		db := 10 * math.Log10(e+eps)
		starts = append(starts, s)
		energy = append(energy, db)
		loudest = max(loudest, db)
	}
	if !sound {
		return 0, ErrSilent
	}

	plan := dsp.NewPlan(nfft)
	bx, by := make([]complex128, nfft), make([]complex128, nfft)
	// power of a bin in dB, scaled so that white noise of unit variance
	// reads 0 dB in every bin whatever the frame length, and floored
	level := func(v complex128) float64 {
		a := cmplx.Abs(v)
		return 10 * math.Log10(max(a*a/wE, floor))
	}
	var total float64
	var frames int
	for f, s := range starts {
		if loudest-dynRange-energy[f] >= 0 {
			continue
		}
		clear(bx)
		clear(by)
		for i, wi := range w {
			bx[i] = complex(wi*float64(clean[s+i]), 0)
			by[i] = complex(wi*float64(degraded[s+i]), 0)
		}
		plan.Forward(bx)
		plan.Forward(by)
		var sq float64
		for k := 0; k <= top; k++ {
			d := level(bx[k]) - level(by[k])
			sq += d * d
		}
		total += math.Sqrt(sq / float64(top+1))
		frames++
	}
	return total / float64(frames), nil
}
