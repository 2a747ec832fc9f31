package audioscore

import (
	"math"
	"time"
)

// Onsets returns the sample indices at which |x| reaches threshold after
// having stayed below it for at least minGap, in order: the start of each
// click in a recording of a click train, for timing mouth-to-ear latency.
// The ringing and echoes inside one click are below minGap apart and so
// do not count again. The start of x counts as quiet, so a sound already
// at threshold at index 0 is reported at 0; a minGap shorter than one
// sample counts as one sample.
func Onsets(x []float32, rate int, threshold float32, minGap time.Duration) []int {
	gap := max(1, int(math.Round(minGap.Seconds()*float64(rate))))
	var out []int
	last := -gap - 1 // index of the last loud sample
	for i, v := range x {
		if v >= threshold || -v >= threshold {
			if i-last-1 >= gap {
				out = append(out, i)
			}
			last = i
		}
	}
	return out
}

// MaxERLE is the value ERLE returns when the echo is cancelled to exact
// silence: a finite cap keeps results printable and comparable (JSON has
// no infinity), and 100 dB is far beyond what any canceller achieves or a
// test needs to tell apart.
const MaxERLE = 100.0

// ERLE returns the echo return loss enhancement in dB, 10·log10 of the
// energy of before (the microphone signal with echo) over that of after
// (the same span after the canceller): how much echo was removed. Both
// should cover the same span of time. The result is clamped to
// [-MaxERLE, MaxERLE], so after being all zeros gives MaxERLE; both silent
// gives 0 (nothing to remove, nothing removed). NaN samples give NaN.
func ERLE(before, after []float32) float64 {
	var eb, ea float64
	for _, v := range before {
		eb += float64(v) * float64(v)
	}
	for _, v := range after {
		ea += float64(v) * float64(v)
	}
	switch {
	case eb == 0 && ea == 0:
		return 0
	case ea == 0:
		return MaxERLE
	case eb == 0:
		return -MaxERLE
	}
	return max(-MaxERLE, min(MaxERLE, 10*math.Log10(eb/ea)))
}
