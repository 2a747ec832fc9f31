package bridge

import (
	"encoding/binary"

	"github.com/parleyhq/parley/app/frames"
)

// sendSize returns the size to send a w×h frame at to a page that shows it
// at dw×dh device pixels: exactly the shown size (the frame's aspect kept,
// never below minShrunkSide), or the frame's own size when the page shows
// it at least that large.
//
// Why exactly: a web view without a GPU runs the page's shader on the CPU
// (llvmpipe), and a texture the size of the canvas can be sampled with
// NEAREST instead of LINEAR filtering. Measured in the real window during
// a 720p call shown 976 pixels wide, that alone took the WebKit process
// from 0.58–0.64 to 0.47–0.51 cores; the bridge's scaling costs about a
// millisecond per frame here, and the page receives fewer bytes.
func sendSize(w, h, dw, dh int) (int, int) {
	if dw >= w || dh >= h {
		return w, h
	}
	tw, th := dw, (dw*h+w/2)/w
	if th > dh {
		th, tw = dh, min(dw, (dh*w+h/2)/h)
	}
	return max(tw, min(w, minShrunkSide)), max(th, min(h, minShrunkSide))
}

// scaler holds the scratch memory for scaling frames, reused from frame to
// frame; the bridge has one, used under its lock.
type scaler struct {
	box  []byte   // the frame box-filtered by a power of two, when the bilinear pass follows
	row  []byte   // one source row blended vertically, plus a copy of its last pixel
	taps []uint32 // per output column: the source column left of its centre << 8 | the right one's weight (0–255)
}

// scaleInto writes f at tw×th (no larger than f) into dst as packed I420
// planes. It box-filters by the largest power of two that keeps the
// picture at least tw×th (each output pixel the mean of the pixels it
// covers, so a preview does not alias), then filters bilinearly down to
// tw×th (a step of less than half, where bilinear samples every source
// pixel). dst must hold tw×th's payload.
func (s *scaler) scaleInto(dst []byte, f *frames.Frame, tw, th int) {
	k := 1
	for k < MaxShrink {
		sw, sh := shrunkSize(f.Width, f.Height, 2*k)
		if sw < tw || sh < th {
			break
		}
		k *= 2
	}
	sw, sh := shrunkSize(f.Width, f.Height, k)
	if sw == tw && sh == th {
		shrinkInto(dst, f, k)
		return
	}
	src := f
	if k > 1 {
		s.box = grow(s.box, Header{Width: sw, Height: sh}.PayloadSize())
		shrinkInto(s.box, f, k)
		src = framePlanes(s.box, sw, sh)
	}
	cw, ch := src.ChromaSize()
	tcw, tch := (tw+1)/2, (th+1)/2
	n := s.bilinear(dst, src.Y, src.Width, src.Height, tw, th)
	n += s.bilinear(dst[n:], src.U, cw, ch, tcw, tch)
	s.bilinear(dst[n:], src.V, cw, ch, tcw, tch)
}

// framePlanes views packed I420 planes of a w×h picture as a frame.
func framePlanes(b []byte, w, h int) *frames.Frame {
	cw, ch := (w+1)/2, (h+1)/2
	return &frames.Frame{Width: w, Height: h, Y: b[:w*h], U: b[w*h : w*h+cw*ch], V: b[w*h+cw*ch : w*h+2*cw*ch]}
}

// bilinear scales one w×h plane to tw×th into dst and returns the bytes
// written. Pixel centres are aligned (output centre i sits at source
// position (i+½)·w/tw − ½), weights are in 256ths and results
// rounded, so a flat plane stays exactly flat. Each output row blends its
// two source rows first, eight pixels per step in 16-bit lanes, then
// blends neighbouring columns by table.
func (s *scaler) bilinear(dst, src []byte, w, h, tw, th int) int {
	s.taps = s.taps[:0]
	for x := range tw {
		c, wt := tap(x, w, tw)
		s.taps = append(s.taps, uint32(c)<<8|wt)
	}
	s.row = grow(s.row, w+1)
	row := s.row[:w+1]
	o := 0
	for y := range th {
		y0, wy := tap(y, h, th)
		y1 := min(y0+1, h-1)
		blendRows(row[:w], src[y0*w:y0*w+w], src[y1*w:y1*w+w], wy)
		row[w] = row[w-1] // the last column's right neighbour, weighted 0
		out := dst[o : o+tw]
		for x, t := range s.taps[:len(out)] {
			// a + (b−a)·wt in one multiply; b−a wraps when negative,
			// and the sum comes out right modulo 2³².
			c := t >> 8
			a, b := uint32(row[c]), uint32(row[c+1])
			out[x] = byte((a<<8 + (b-a)*(t&255) + 128) >> 8)
		}
		o += tw
	}
	return o
}

// tap maps output index i of n onto a source of m pixels: the source pixel
// at or left of its centre, and the weight (0–255) of the one right of it.
func tap(i, m, n int) (int, uint32) {
	p := (2*i+1)*m*128/n - 128 // the centre's source position, in 256ths
	if p < 0 {
		return 0, 0
	}
	if j := p >> 8; j < m-1 {
		return j, uint32(p & 255)
	}
	return m - 1, 0
}

// oddBytes selects the odd bytes of a little-endian word, in place.
const oddBytes = 0xFF00FF00FF00FF00

// blendRows writes a·(256−wt)/256 + b·wt/256, rounded, into dst. A lane
// holds at most 255·256 + 128, so eight pixels blend in two multiplies.
func blendRows(dst, a, b []byte, wt uint32) {
	if wt == 0 {
		copy(dst, a)
		return
	}
	wa, wb := uint64(256-wt), uint64(wt)
	const half = 0x0080008000800080
	a, b = a[:len(dst)], b[:len(dst)]
	for len(dst) >= 8 {
		va := binary.LittleEndian.Uint64(a)
		vb := binary.LittleEndian.Uint64(b)
		even := (va&evenBytes)*wa + (vb&evenBytes)*wb + half
		odd := (va>>8&evenBytes)*wa + (vb>>8&evenBytes)*wb + half
		binary.LittleEndian.PutUint64(dst, even>>8&evenBytes|odd&oddBytes)
		dst, a, b = dst[8:], a[8:], b[8:]
	}
	for i := range dst {
		dst[i] = byte((uint32(a[i])*uint32(wa) + uint32(b[i])*uint32(wb) + 128) >> 8)
	}
}

// grow returns b with room for n bytes, reusing its memory when it has.
func grow(b []byte, n int) []byte {
	if cap(b) >= n {
		return b[:n]
	}
	return make([]byte, n)
}
