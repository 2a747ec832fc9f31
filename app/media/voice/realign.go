package voice

import "math"

// The echo's lag is looked for at a decimated rate: speech's energy is
// under 4 kHz, and at 8 kHz the search costs 36 times less. Its
// resolution, 6 samples at 48 kHz, is well within what the canceller's
// filter takes up by adapting (and what echoPath follows).
const (
	decim     = 6
	histLen   = SampleRate / decim // one second of each signal
	lagWindow = histLen / 4        // 250 ms of them compared
	// lossWindow is what is compared once the echo is lost: short, so
	// that it holds only audio from after the step soon after it, before
	// the filter has adapted far the wrong way.
	lossWindow = histLen / 8
	maxLagDec  = (int(tail*SampleRate/1e9) - Frame) / decim

	// The canceller counts as converged from goodCancel (15 dB) and as
	// lost below lostCancel (6 dB), each over the far end's active frames.
	goodCancel = 31.6
	lostCancel = 4.0
	// A loss is looked into after lossSeen frames of it, so that the
	// window holds mostly audio from after the step; only when the
	// canceller was converged at most recentGood frames before it.
	lossSeen   = lossWindow * decim / Frame
	recentGood = 50
	// The lag while converged is measured again every relag frames,
	// around the one before (the clocks' drift moves it slowly).
	relag = 500
	// timedFor is how long after the canceller last converged a step is
	// left to the echo to find (the far end may pause that long).
	timedFor = 500
	// A lag is trusted when the microphone and the reference correlate at
	// least minCorr there, and at least sureBy better than at the lag
	// before: double talk lowers both, and must not move the reference.
	minCorr = 0.4
	sureBy  = 1.5
	// farActive is the far end's least mean square per sample (full
	// scale 1) for a frame to count: about -50 dBFS.
	farActive = 1e-5
)

// realigner finds the echo again when it jumps out of the canceller's
// filter. A playback underrun (the speaker's thread late to refill its
// buffer) makes the device play silence that was never rendered, and
// every echo after it comes that much later than the reference says: the
// filter, converged on the old lag, cancels nothing, and converging anew
// takes it seconds of echo. driftResampler sees such a step in its queue
// only when it is long (over jumpAt) and half a second late. Here the
// echo itself is timed: while the canceller works, the lag at which the
// microphone correlates with the reference is remembered; when it stops
// working, the lag is looked for again, and the reference moved by the
// difference puts the echo back where the filter models it.
type realigner struct {
	ref, mic [histLen]float32 // decimated, rings
	n        int              // decimated samples written
	sumRef   float32          // decimation accumulators
	sumMic   float32
	k        int

	micE, leftE float64 // smoothed frame energies, far end active
	frames      int
	good        int  // frame the canceller was last converged at; -1 never
	lost        int  // frame it was first seen lost at; -1 when not
	looked      bool // the loss was looked into: once per loss
	lag         int  // the echo's lag (decimated samples); -1 unknown
	lagAt       int
	// clean is the first decimated sample whose history holds no jump of
	// the reference: no lag is looked for before it.
	clean int
}

func newRealigner() *realigner { return &realigner{good: -1, lost: -1, lag: -1} }

// frame takes one frame of the reference, the microphone and what the
// canceller left of it (16-bit), and returns how many samples later the
// echo now comes than the reference says (negative: earlier), or 0.
func (r *realigner) frame(ref, mic, left []int16) int {
	r.frames++
	var er, em, el float64
	for i := range Frame {
		f, m := float32(ref[i])/32768, float32(mic[i])/32768
		er += float64(f * f)
		em += float64(m * m)
		l := float64(left[i]) / 32768
		el += l * l
		r.sumRef += f
		r.sumMic += m
		if r.k++; r.k == decim {
			r.ref[r.n%histLen], r.mic[r.n%histLen] = r.sumRef/decim, r.sumMic/decim
			r.n++
			r.sumRef, r.sumMic, r.k = 0, 0, 0
		}
	}
	if er < farActive*Frame {
		return 0
	}
	r.micE += (em - r.micE) / 8
	r.leftE += (el - r.leftE) / 8
	cancel := r.micE / max(r.leftE, 1e-12)
	switch {
	case cancel >= goodCancel:
		r.good, r.lost, r.looked = r.frames, -1, false
		if r.lag < 0 || r.frames-r.lagAt >= relag {
			lo, hi := 0, maxLagDec
			if r.lag >= 0 {
				lo, hi = max(r.lag-maxLagDec/4, 0), min(r.lag+maxLagDec/4, maxLagDec)
			}
			if lag, c := r.search(lo, hi, lagWindow); c >= minCorr {
				r.lag = lag
			}
			r.lagAt = r.frames
		}
	case cancel < lostCancel && r.lag >= 0 && r.good >= 0 && !r.looked:
		if r.lost < 0 {
			if r.frames-r.good > recentGood {
				return 0 // not a step: it was not cancelling before either
			}
			r.lost = r.frames
		}
		if r.frames-r.lost < lossSeen || r.n < r.clean {
			return 0
		}
		r.lost, r.looked = -1, true
		span := maxLagDec / 4
		lag, c := r.search(max(r.lag-span, 0), min(r.lag+span, maxLagDec), lossWindow)
		_, before := r.search(r.lag, r.lag, lossWindow) // the correlation at the lag before
		if c < minCorr || lag == r.lag || c < sureBy*before {
			return 0
		}
		step := (lag - r.lag) * decim
		r.lag, r.lagAt = lag, r.frames
		return step
	}
	return 0
}

// timing says whether the echo is being timed: the canceller converged
// on a lag within the last timedFor frames, so that a step would be
// found from the echo.
func (r *realigner) timing() bool {
	return r.lag >= 0 && r.good >= 0 && r.frames-r.good <= timedFor
}

// jumped is told that the reference jumped (driftResampler moved it): the
// history across the jump is no one signal, so nothing is timed on it,
// and a loss seen so far is looked at afresh after it.
func (r *realigner) jumped() {
	r.clean = r.n + histLen/2
	r.lost = -1
}

// search returns the lag in [lo, hi] at which the last window
// microphone samples correlate best with the reference, and that
// correlation, normalised.
func (r *realigner) search(lo, hi, window int) (int, float64) {
	if r.n < window+hi || r.n < r.clean {
		return 0, 0
	}
	// The microphone's energy is the same at every lag, and the
	// reference's slides: one sample in, one out, per lag.
	var em, er float64
	for i := r.n - window; i < r.n; i++ {
		m, f := r.mic[i%histLen], r.ref[(i-lo)%histLen]
		em += float64(m * m)
		er += float64(f * f)
	}
	best, bestC := lo, math.Inf(-1)
	for lag := lo; lag <= hi; lag++ {
		if lag > lo {
			in, out := r.ref[(r.n-window-lag)%histLen], r.ref[(r.n-lag)%histLen]
			er += float64(in*in) - float64(out*out)
		}
		var s float32
		for i := r.n - window; i < r.n; i++ {
			s += r.mic[i%histLen] * r.ref[(i-lag)%histLen]
		}
		if em <= 0 || er <= 0 {
			continue
		}
		if c := float64(s) / math.Sqrt(em*er); c > bestC {
			best, bestC = lag, c
		}
	}
	return best, bestC
}
