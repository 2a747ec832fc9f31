package bridge

import (
	"encoding/binary"
	"math/bits"

	"github.com/parleyhq/parley/app/frames"
)

// MaxShrink is the largest factor the box filter divides a frame's sides
// by before the bilinear pass (see scaleInto): a picture shown at an eighth
// or less is small enough that the rest of the step costs nothing.
const MaxShrink = 8

// minShrunkSide keeps a scaled frame from becoming too small to be useful,
// whatever the page asks for.
const minShrunkSide = 16

// shrunkSize is the size of a w×h frame divided by k (rounded up, so an odd
// edge keeps its last pixels).
func shrunkSize(w, h, k int) (int, int) { return (w + k - 1) / k, (h + k - 1) / k }

// shrinkInto writes f divided by k (a power of two) into dst as packed
// I420 planes, each output pixel the mean of the k×k input pixels it
// covers. A box filter is the right one for integer factors: it is exact
// for k = 1, alias-free enough for a preview, and costs one read of the
// input. dst must hold the shrunk size's payload.
func shrinkInto(dst []byte, f *frames.Frame, k int) {
	w, h := f.Width, f.Height
	cw, ch := f.ChromaSize()
	sw, sh := shrunkSize(w, h, k)
	scw, sch := (sw+1)/2, (sh+1)/2
	n := shrinkPlane(dst, f.Y, w, h, sw, sh, k)
	n += shrinkPlane(dst[n:], f.U, cw, ch, scw, sch, k)
	shrinkPlane(dst[n:], f.V, cw, ch, scw, sch, k)
}

// shrinkPlane box-filters one w×h plane into an sw×sh one and returns the
// bytes written. Blocks at the right and bottom edges may be partial and
// are averaged over the pixels they have. The chroma planes of the shrunk
// frame (ceil(sw/2)×ceil(sh/2)) can need one more block than the source
// chroma holds when the source's own chroma was rounded up; that block
// repeats the last source row or column.
//
// Each band of k rows is summed column by column first (runs over memory in
// order), then k columns at a time. Whole blocks of a whole band take the
// fast path, eight columns per step in the 16-bit lanes of two uint64s;
// the rest (the right edge past the last multiple of eight, a partial last
// band) takes the plain one. 720p ÷ 4 here (BenchmarkShrink720pBy4, 2 busy
// cores): 0.68–0.92 ms plain, 0.30–0.40 ms with the fast path.
func shrinkPlane(dst, src []byte, w, h, sw, sh, k int) int {
	fast := 0 // columns the fast path takes in whole bands: whole groups of 8
	if k >= 2 {
		fast = w &^ 7
	}
	lanes := make([]uint64, fast/4) // per group of 8 columns: even and odd columns' sums
	col := make([]uint32, w)
	shift := uint(bits.TrailingZeros(uint(k * k)))
	o := 0
	for by := 0; by < sh; by++ {
		y0 := min(by*k, h-1)
		y1 := min(y0+k, h)
		whole := y1-y0 == k
		first := 0 // the first column the plain path sums
		if whole {
			first = fast
			clear(lanes)
		}
		clear(col[first:])
		for y := y0; y < y1; y++ {
			row := src[y*w : y*w+w]
			if whole {
				sumLanes(lanes, row[:fast])
			}
			c := col[first:]
			for x, p := range row[first:] {
				c[x] += uint32(p)
			}
		}
		bx := 0
		if whole {
			o += blockMeans(dst[o:], lanes, k, shift)
			bx = fast / k
		}
		rows := uint32(y1 - y0)
		for ; bx < sw; bx++ {
			x0 := min(bx*k, w-1)
			x1 := min(x0+k, w)
			var sum uint32
			for _, v := range col[x0:x1] {
				sum += v
			}
			n := rows * uint32(x1-x0)
			dst[o] = byte((sum + n/2) / n)
			o++
		}
	}
	return o
}

// evenBytes selects the even bytes of a little-endian word as four 16-bit
// lanes; a lane holds the sum of at most MaxShrink×2×255 without carrying
// into the next.
const evenBytes = 0x00FF00FF00FF00FF

// sumLanes adds row (a multiple of 8 bytes long) to lanes: for each group
// of 8 bytes, its even bytes to lanes[2i] and its odd bytes to lanes[2i+1].
func sumLanes(lanes []uint64, row []byte) {
	for len(row) >= 8 && len(lanes) >= 2 {
		v := binary.LittleEndian.Uint64(row)
		lanes[0] += v & evenBytes
		lanes[1] += (v >> 8) & evenBytes
		row, lanes = row[8:], lanes[2:]
	}
}

// blockMeans writes the rounded mean of each whole k×k block the lanes
// cover (k of 2, 4 or 8, which divide a group of 8 columns) and returns
// the bytes written. Adding a group's even and odd lanes gives the sums of
// its column pairs; k = 2 takes each pair, 4 adds two, 8 all four.
func blockMeans(dst []byte, lanes []uint64, k int, shift uint) int {
	round := uint64(1) << (shift - 1)
	o := 0
	for i := 0; i+2 <= len(lanes); i += 2 {
		s := lanes[i] + lanes[i+1]
		p0, p1, p2, p3 := s&0xFFFF, s>>16&0xFFFF, s>>32&0xFFFF, s>>48
		switch k {
		case 2:
			dst[o] = byte((p0 + round) >> shift)
			dst[o+1] = byte((p1 + round) >> shift)
			dst[o+2] = byte((p2 + round) >> shift)
			dst[o+3] = byte((p3 + round) >> shift)
			o += 4
		case 4:
			dst[o] = byte((p0 + p1 + round) >> shift)
			dst[o+1] = byte((p2 + p3 + round) >> shift)
			o += 2
		default:
			dst[o] = byte((p0 + p1 + p2 + p3 + round) >> shift)
			o++
		}
	}
	return o
}
