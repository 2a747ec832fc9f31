package testmedia

import "github.com/parleyhq/parley/app/media/dsp"

// convBlock is the convolver's block: it holds back up to this many
// samples until a block is whole.
const convBlock = 512

// convolver filters a stream with an impulse response as long as a room's
// reverberation (uniformly partitioned overlap-save): the response is cut
// into blocks, each block's spectrum multiplies the spectrum of the input
// that many blocks ago, so the cost per sample stays small however long
// the response is.
type convolver struct {
	parts   [][]complex128 // the response's blocks, transformed (2·convBlock)
	history [][]complex128 // the input's last len(parts) spectra, newest at head
	head    int
	last    []float32 // the previous input block
	in, out []float32 // samples waiting for a whole block, and results
	work    []complex128
	sum     []complex128
	fft     *dsp.Plan
}

func newConvolver(ir []float32) *convolver {
	n := 2 * convBlock
	c := &convolver{last: make([]float32, convBlock), work: make([]complex128, n), sum: make([]complex128, n), fft: dsp.NewPlan(n)}
	for o := 0; o < len(ir); o += convBlock {
		p := make([]complex128, n)
		for i, v := range ir[o:min(o+convBlock, len(ir))] {
			p[i] = complex(float64(v), 0)
		}
		c.fft.Forward(p)
		c.parts = append(c.parts, p)
		c.history = append(c.history, make([]complex128, n))
	}
	return c
}

// process takes input samples and returns the filtered samples of every
// block now whole, in step with the input.
func (c *convolver) process(x []float32) []float32 {
	c.in = append(c.in, x...)
	c.out = c.out[:0]
	for len(c.in) >= convBlock {
		c.block(c.in[:convBlock])
		c.in = c.in[convBlock:]
	}
	c.in = append([]float32(nil), c.in...)
	return c.out
}

func (c *convolver) block(x []float32) {
	for i, v := range c.last {
		c.work[i] = complex(float64(v), 0)
	}
	for i, v := range x {
		c.work[convBlock+i] = complex(float64(v), 0)
	}
	copy(c.last, x)
	c.fft.Forward(c.work)
	c.head = (c.head + len(c.history) - 1) % len(c.history)
	copy(c.history[c.head], c.work)
	clear(c.sum)
	for p, h := range c.parts {
		xs := c.history[(c.head+p)%len(c.history)]
		for k := range c.sum {
			c.sum[k] += h[k] * xs[k]
		}
	}
	c.fft.Inverse(c.sum)
	// Overlap-save: the first half wraps around; the second is the block.
	for _, v := range c.sum[convBlock:] {
		c.out = append(c.out, float32(real(v)))
	}
}
