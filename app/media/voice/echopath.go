package voice

// #cgo pkg-config: speexdsp
// #include <speex/speex_echo.h>
//
// static int echo_get_ir(SpeexEchoState *st, spx_int32_t *ir) { return speex_echo_ctl(st, SPEEX_ECHO_GET_IMPULSE_RESPONSE, ir); }
// static int echo_ir_size(SpeexEchoState *st) { spx_int32_t n = 0; speex_echo_ctl(st, SPEEX_ECHO_GET_IMPULSE_RESPONSE_SIZE, &n); return n; }
import "C"

import "math"

const (
	// irLen is the canceller's filter length in samples.
	irLen = int(tail * SampleRate / 1e9)

	// maxLag is the largest shift looked for between two blocks' echo
	// paths; win is how far around the path's strongest tap they are
	// compared (the direct sound and the first reflections).
	maxLag = 16
	win    = 256
)

// echoPath watches the canceller's own model of the echo path. When the
// reference is not quite in step with the microphone, the echo comes a
// little later (or earlier) in the reference every block, and the
// filter, adapting, moves with it: how far it moved in a block is the
// drift left over, measured to a fraction of a sample, where the queue's
// depth only tells it to within the callers' bursts.
type echoPath struct {
	ir   [2][irLen]C.spx_int32_t // the filter's impulse response: now and a block ago
	cur  int                     // which of the two is now
	have bool                    // the other one is a block ago's, and was trusted

	// This block's energies: far end, microphone, and what the canceller
	// left of the microphone.
	far, mic, left float64
}

// frame adds one frame's energies.
func (t *echoPath) frame(play, rec, cleaned *[Frame]C.spx_int16_t) {
	for i := range Frame {
		f, m, l := float64(play[i]), float64(rec[i]), float64(cleaned[i])
		t.far += f * f
		t.mic += m * m
		t.left += l * l
	}
}

// forget drops the block ago's path (the reference jumped).
func (t *echoPath) forget() { t.have = false }

// shift returns how many samples later the echo came in this block than
// in the last, and whether the canceller's model is good enough to tell:
// it must be cancelling an echo that is there.
func (t *echoPath) shift(st *C.SpeexEchoState) (float64, bool) {
	far, mic, left := t.far, t.mic, t.left
	t.far, t.mic, t.left = 0, 0, 0
	// The far end played something, and the canceller removes at least
	// minCancel of what the microphone heard.
	if far < minFar*block*Frame || mic < minCancel*left {
		t.have = false
		return 0, false
	}
	t.cur ^= 1
	now, before := &t.ir[t.cur], &t.ir[t.cur^1]
	C.echo_get_ir(st, &now[0])
	if !t.have {
		t.have = true
		return 0, false
	}
	peak, top := 0, int32(0)
	for i, v := range now {
		if a := int32(v); a > top || -a > top {
			peak, top = i, max(a, -a)
		}
	}
	lo, hi := max(peak-win, maxLag), min(peak+win, irLen-maxLag)
	var c [2*maxLag + 1]float64
	var en, eb float64
	for i := lo; i < hi; i++ {
		en += float64(now[i]) * float64(now[i])
		eb += float64(before[i]) * float64(before[i])
	}
	best := maxLag
	for l := range c {
		var s float64
		for i := lo; i < hi; i++ {
			s += float64(now[i]) * float64(before[i-l+maxLag])
		}
		c[l] = s
		if s > c[best] {
			best = l
		}
	}
	q := c[best] / math.Sqrt(en*eb)
	if best == 0 || best == 2*maxLag || q < 0.5 {
		return 0, false
	}
	// The peak of a parabola through the best lag and its neighbours.
	a, b, d := c[best-1], c[best], c[best+1]
	s := float64(best-maxLag) + 0.5*(a-d)/(a-2*b+d)
	return s, true
}

// minFar is the far end's least mean power (in 16-bit units) for its
// echo to be worth measuring: quieter, and the filter hardly adapts.
const minFar = 100 * 100

// minCancel is how much of the microphone's energy the canceller must
// remove (10 dB) before its model of the path is trusted to measure
// drift: a model still converging moves for reasons of its own.
const minCancel = 10
