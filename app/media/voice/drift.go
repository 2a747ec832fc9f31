package voice

import "math"

// The speaker and the microphone may be two devices with two crystals:
// the speaker then plays a little more or a little less than 48000
// samples in the microphone's second, and the echo in the microphone is
// what was played, stretched by that ratio. The canceller's filter can
// only model a fixed echo path, so the reference it is given must be
// stretched the same way. driftResampler keeps the played samples and
// reads them back at the microphone's pace: it measures the ratio from
// how many samples wait (the depth), and resamples the reference by it.

const (
	// half is how far the interpolation kernel reaches each side of a
	// position; phases is how finely its fraction is tabulated (between
	// two rows the coefficients are interpolated linearly).
	half   = 8
	phases = 256

	// ringSize holds the played samples: more than maxQueued frames, so
	// the queue's bound, not the ring, decides what is dropped.
	ringSize = 1 << 15

	// block is how many captured frames are measured together: the
	// echo's movement, and the depth's mean (the callers' bursts make
	// the depth saw up and down, and only its mean moves with the
	// clocks).
	block = 50

	// settle is how many blocks after a start the depth's mean is taken
	// as where it belongs, before a sudden change in it counts as a lost
	// buffer.
	settle = 4

	// follow is how many blocks the depth's reference takes to follow
	// its mean: slowly enough that a lost buffer still shows as a step.
	follow = 10

	// jumpAt is the step in the depth's mean that is taken as a buffer
	// lost on either side (the position jumps back by it) rather than
	// as the callers' bursts.
	jumpAt = Frame

	// short is how many samples a frame may find missing (they are
	// taken as silence) before the reference is moved back: the
	// callers' bursts do that now and then, and once the canceller has
	// converged a move costs it seconds to follow. slack is added to
	// the move, so that the bursts that caused it do not cause it again.
	short = Frame / 2
	slack = Frame / 2

	// maxDrift bounds the ratio's distance from 1: crystals are not
	// further apart than this. Beyond it the depth leaves its range and
	// the position jumps, as it would with no compensation at all.
	maxDrift = 2000e-6

	// echoGain is the part of the echo's measured movement corrected
	// each block: the filter follows a change of pace with some delay,
	// and only part of the way while the pace is far off.
	echoGain = 0.5

	// startLag is how far behind the first sample written the reference
	// starts, beyond the kernel's reach: a frame, so that the callers'
	// first bursts do not find it short and move it while the canceller
	// converges.
	startLag = Frame

	// quiet is how many blocks without an echo to measure pass before
	// the count of samples steers the ratio; through pauses in speech
	// the ratio is kept.
	quiet = 10

	// The count of samples is fitted over fitFrames (older frames weigh
	// less and less) and trusted from minFit frames on. disagree is how
	// far it may be from a ratio the echo set before it replaces it: the
	// echo's measure is the finer one, but the devices may have changed.
	fitFrames = 60 * SampleRate / Frame
	minFit    = 5 * SampleRate / Frame
	disagree  = 100e-6
)

// kernel holds, for each fraction p/phases, the 2*half coefficients of a
// Kaiser-windowed sinc centred there; row phases is row 0 moved by one
// sample, so that every row has a next one to interpolate towards. Row 0
// is exactly one tap: when the clocks agree, the reference passes
// unchanged.
var kernel = makeKernel()

func makeKernel() *[phases + 1][2 * half]float32 {
	const beta = 8
	var k [phases + 1][2 * half]float32
	for p := range k {
		f := float64(p) / phases
		var row [2 * half]float64
		var sum float64
		for j := range row {
			// Tap j weighs the sample j-half+1 places from the position's
			// whole part, at a distance of t from the position.
			t := f + float64(half-1-j)
			x := t / half
			if x <= -1 || x >= 1 {
				continue
			}
			s := 1.0
			if t != 0 {
				s = math.Sin(math.Pi*t) / (math.Pi * t)
			}
			row[j] = s * bessel0(beta*math.Sqrt(1-x*x)) / bessel0(beta)
			sum += row[j]
		}
		for j := range row {
			k[p][j] = float32(row[j] / sum) // unit gain at 0 Hz
		}
	}
	// Exact at whole positions: sin(pi*n) is not exactly 0 in floating
	// point.
	k[0] = [2 * half]float32{half - 1: 1}
	k[phases] = [2 * half]float32{half: 1}
	return &k
}

// bessel0 is the modified Bessel function of the first kind, order 0,
// which shapes the Kaiser window.
func bessel0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; term > 1e-12*sum; k++ {
		term *= (x / 2) * (x / 2) / float64(k*k)
		sum += term
	}
	return sum
}

// driftResampler is the queue of played samples between Render and
// Capture. Positions are sample numbers since the last restart; the
// ring holds the newest ringSize of them, plus a copy of its first
// 2*half at its end so that a kernel's taps are always contiguous.
//
// The ratio comes from two measures. The finer is the echo itself
// (echoPath): when the canceller models an echo, how far its model
// moved in a block is the drift left over. When there is no echo to
// measure (a headset, or the far end silent), drift does no harm but the
// queue must still keep its depth: the ratio is then fitted to the count
// of samples written against samples read, which the callers' bursts
// make uncertain by tens of parts per million for many seconds.
type driftResampler struct {
	ring    [ringSize + 2*half]float32
	written int64   // samples written since the restart
	pos     int64   // next read position: whole samples
	frac    float64 // and fraction, in [0, 1)
	rate    float64 // the ratio in use, minus 1

	frames int64   // frames read since the restart
	lost   int64   // buffers lost on either side, in samples written
	fit    rateFit // written-lost against frames read
	heard  bool    // the rate was set by the echo, not the count
	quiet  int     // blocks since the echo was last measured

	blocks int     // blocks measured since the restart
	depth  float64 // where the depth's mean belongs
	fresh  bool    // nothing read since the restart

	// The current block: the depths at each frame's start, and the least
	// margin, the samples written beyond the last one a frame's kernel
	// needed (negative when it needed some not yet played).
	n     int
	sum   float64
	least int64
}

// newDriftResampler returns a resampler at a ratio of 1.
func newDriftResampler() *driftResampler {
	d := &driftResampler{}
	d.restart()
	return d
}

// restart empties the queue and measures it afresh, but keeps the
// ratio: the clocks are most likely the same crystals as before.
func (d *driftResampler) restart() {
	d.written = 0
	// The first position is half behind the first sample written, so
	// that the kernel always has the samples after a position.
	d.pos, d.frac = -half-startLag, 0
	d.frames, d.lost, d.quiet, d.blocks = 0, 0, 0, 0
	d.fit = rateFit{}
	d.fresh = true
	d.startBlock()
}

func (d *driftResampler) startBlock() { d.n, d.sum, d.least = 0, 0, math.MaxInt64 }

// write queues one played sample.
func (d *driftResampler) write(v float32) {
	i := int(d.written & (ringSize - 1))
	d.ring[i] = v
	if i < 2*half {
		d.ring[ringSize+i] = v
	}
	d.written++
}

// queued is how many played samples wait beyond the read position.
func (d *driftResampler) queued() float64 {
	return float64(d.written-d.pos) - d.frac
}

// read fills out (a frame) with the reference for the next captured
// frame and advances the read position by the ratio for each sample.
func (d *driftResampler) read(out []float32) {
	if d.fresh || d.written-d.pos > maxQueued*Frame {
		// At a start, or after the microphone stalled: the speaker played
		// long before the microphone took anything, and that sound's echo
		// is gone. Where the depth belongs is measured again from here.
		if over := d.written - d.pos - maxLead*Frame; over > 0 {
			d.pos += over
		}
		d.fresh, d.blocks = false, 0
		d.startBlock()
	}
	d.fit.add(float64(d.written - d.lost - d.frames*Frame))
	d.frames++
	d.sum += d.queued()
	d.n++
	// The last sample's kernel reaches half past its position.
	last := d.pos + int64(math.Floor(d.frac+float64(len(out)-1)*(1+d.rate))) + half
	d.least = min(d.least, d.written-1-last)

	// Each step is 1 and a small fraction: the whole samples are counted
	// apart from the fraction, which keeps its precision.
	for i := range out {
		out[i] = d.at(d.pos, d.frac)
		d.pos++
		if d.frac += d.rate; d.frac >= 1 {
			d.frac--
			d.pos++
		} else if d.frac < 0 {
			d.frac++
			d.pos--
			if d.frac >= 1 { // -1e-17 + 1 rounds to 1
				d.frac = 0
				d.pos++
			}
		}
	}
}

// step moves the reference for an echo that now comes n samples later
// (earlier, if negative) than it did: a buffer lost on either side, found
// from the echo itself (realigner). As a jump in endBlock, it counts as
// lost, so that the rate's fit leaves it out.
// The queue's depth is back where it was before the loss, and where
// endBlock expects it.
func (d *driftResampler) step(n int) {
	d.pos -= int64(n)
	d.lost -= int64(n)
	if oldest := d.written - ringSize + half; d.pos < oldest {
		d.pos = oldest
	}
}

// full says whether a block of frames has been read: time for endBlock.
func (d *driftResampler) full() bool { return d.n == block }

// at interpolates the played samples at pos+frac.
func (d *driftResampler) at(pos int64, frac float64) float32 {
	fp := frac * phases
	p := int(fp)
	w := float32(fp - float64(p))
	k0, k1 := &kernel[p], &kernel[p+1]
	first := pos - half + 1
	if first >= 0 && first >= d.written-ringSize && pos+half < d.written {
		s := d.ring[first&(ringSize-1):][:2*half]
		var acc float32
		for j, v := range s {
			acc += v * (k0[j] + w*(k1[j]-k0[j]))
		}
		return acc
	}
	// Near the queue's ends: what was not played (yet) is silence.
	var acc float32
	for j := range 2 * half {
		i := first + int64(j)
		if i < 0 || i < d.written-ringSize || i >= d.written {
			continue
		}
		acc += d.ring[i&(ringSize-1)] * (k0[j] + w*(k1[j]-k0[j]))
	}
	return acc
}

// endBlock acts on a block's measurements. shift is how many samples
// later the echo came than a block before, if measured (echoPath). timed:
// the echo itself is being timed (realigner), which finds a lost buffer
// exactly and at once, so the queue's depth is not taken for one. It
// returns whether the position jumped.
func (d *driftResampler) endBlock(shift float64, measured, timed bool) bool {
	mean, least := d.sum/float64(d.n), d.least
	d.startBlock()
	d.blocks++
	if d.blocks <= settle {
		// At first the depth is wherever the callers' rhythm puts it.
		d.depth += (mean - d.depth) / float64(d.blocks)
	}

	var jump int64
	if e := mean - d.depth; d.blocks > settle && !timed && math.Abs(e) > jumpAt {
		// A step: a buffer lost on either side. Jumping back by it puts
		// the echo where the canceller expects it, and the count of
		// samples leaves it out.
		jump = int64(math.Round(e))
		d.lost += jump
	}
	// The reference must neither run out (the canceller would get
	// silence for sound that was played) nor run more than maxLead
	// frames ahead at its lowest (its echo would have come already).
	// While the canceller is still converging, moving costs little, and
	// any shortage moves it.
	low, to := int64(-short), int64(slack)
	if d.blocks <= settle {
		low, to = slack, 2*slack
	}
	switch after := least - jump; {
	case after < low:
		jump = least - to
	case after > maxLead*Frame:
		jump = least - maxLead*Frame
	}
	if jump != 0 {
		d.pos += jump
		d.depth = mean - float64(jump)
		if d.blocks <= settle {
			d.blocks = 0 // measure where the depth belongs from here
		}
		return true
	}
	d.depth += (mean - d.depth) / follow

	if measured {
		d.rate = clamp(d.rate-echoGain*shift/(block*Frame), maxDrift)
		d.heard, d.quiet = true, 0
		return false
	}
	if d.quiet++; d.quiet < quiet || d.fit.n < minFit {
		return false // a pause in the far end's speech: keep the pace
	}
	if r := d.fit.slope(); !d.heard || math.Abs(r-d.rate) > disagree {
		d.rate, d.heard = clamp(r, maxDrift), false
	}
	return false
}

func clamp(x, limit float64) float64 { return max(-limit, min(x, limit)) }

// rateFit fits a straight line to values taken once a frame, the older
// weighing less (by 1/fitFrames a frame), and returns its slope per
// sample. Its sums are kept about the newest frame, so they stay small.
type rateFit struct {
	n                  int     // frames added
	s0, s1, s2, sx, sy float64 // sums of 1, t, t*t, x, t*x; t in frames, 0 now
}

func (f *rateFit) add(x float64) {
	const keep = 1 - 1.0/fitFrames
	// Everything added so far is one frame older.
	f.s2 = keep * (f.s2 - 2*f.s1 + f.s0)
	f.sy = keep * (f.sy - f.sx)
	f.s1 = keep * (f.s1 - f.s0)
	f.sx = keep * f.sx
	f.s0 = keep*f.s0 + 1
	f.sx += x
	f.n++
}

func (f *rateFit) slope() float64 {
	return (f.s0*f.sy - f.s1*f.sx) / (f.s0*f.s2 - f.s1*f.s1) / Frame
}
