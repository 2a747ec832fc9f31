package voice

import "math"

// highPassHz is where the capture path's high-pass filter cuts: below the
// voice (a man's fundamental starts near 85 Hz), above desk thumps, fan
// and traffic rumble, and a microphone's DC offset, which would otherwise
// take the encoder's bits and the gain control's headroom. WebRTC's
// AudioProcessing filters there too.
const highPassHz = 80

// highPass is a second-order Butterworth high-pass filter (RBJ's biquad),
// run on the captured samples before the echo canceller: the canceller's
// filter models it as part of the echo path.
type highPass struct {
	b0, b1, b2, a1, a2 float64
	x1, x2, y1, y2     float64
}

func newHighPass(hz, rate float64) *highPass {
	w := 2 * math.Pi * hz / rate
	alpha := math.Sin(w) / math.Sqrt2 // sin(w)/(2Q), Q = 1/√2
	cos := math.Cos(w)
	a0 := 1 + alpha
	return &highPass{
		b0: (1 + cos) / 2 / a0, b1: -(1 + cos) / a0, b2: (1 + cos) / 2 / a0,
		a1: -2 * cos / a0, a2: (1 - alpha) / a0,
	}
}

// run filters x in place.
func (h *highPass) run(x []int16) {
	for i, v := range x {
		in := float64(v)
		out := h.b0*in + h.b1*h.x1 + h.b2*h.x2 - h.a1*h.y1 - h.a2*h.y2
		h.x2, h.x1 = h.x1, in
		h.y2, h.y1 = h.y1, out
		x[i] = int16(max(-32768, min(32767, math.Round(out))))
	}
}

// reset forgets the filter's state (processing was off meanwhile).
func (h *highPass) reset() { h.x1, h.x2, h.y1, h.y2 = 0, 0, 0, 0 }
