// Package stamp writes and reads a machine-readable block code in the luma
// (Y) plane of a video frame. The test cameras stamp every frame with the
// camera's id, the frame's sequence number and its capture time, so a
// receiver can measure latency, loss and which camera it is watching from
// the decoded pictures alone, after VP8 compression and scaling.
//
// # Layout
//
// The code is a grid of Columns×Rows = 40×3 square cells in the top-left
// corner of the frame. With W the frame width in pixels, the cell size is
// s = W/40 (a real number, not rounded). Cell i (0 ≤ i < 120) lies in row
// r = floor(i/40), column c = i mod 40, and covers the pixels
//
//	x in [floor(c·s), floor((c+1)·s)),  y in [floor(r·s), floor((r+1)·s)).
//
// A cell holds one bit: 1 is white (Y = 235), 0 is black (Y = 16). Bits are
// written most significant first, fields in this order:
//
//	cells   0–7    start marker 0xB2 (1011 0010)
//	cells   8–15   camera id (uint8)
//	cells  16–47   sequence number (uint32)
//	cells  48–95   capture time, Unix milliseconds (uint48)
//	cells  96–111  CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no
//	               reflection, no final xor) of the 11 bytes
//	               camera, seq (big-endian), time (big-endian, 6 bytes)
//	cells 112–119  end marker 0x4D (the start marker inverted)
//
// Example, for checking another implementation: camera 1, seq 2, time
// 3 ms gives the payload bytes 01 00000002 000000000003, CRC 0x5CC6, so
// the 15 bytes drawn are B2 01 00000002 000000000003 5CC6 4D.
//
// To read, a decoder averages the luma of the middle half of each cell,
// x in [floor((4c+1)·W/160), floor((4c+3)·W/160)) and y in
// [floor((4r+1)·W/160), floor((4r+3)·W/160)), each range at least one
// pixel wide; takes the mean of the cells that the two markers say are
// white and of those they say are black; thresholds every cell at the
// midpoint of those two means; and accepts the code only if both markers
// match exactly, the white and black means differ by at least
// MinContrast, and the CRC matches. Because every position is relative to
// W, a frame that was scaled (same aspect ratio) decodes the same way.
//
// The code needs W ≥ MinWidth and a frame height of at least 3·s; sizes
// above MaxDimension are refused as implausible.
package stamp

import (
	"errors"
	"fmt"
	"time"
)

// Geometry and levels of the code; see the package comment.
const (
	Columns     = 40
	Rows        = 3
	Cells       = Columns * Rows
	StartMarker = 0xB2
	EndMarker   = 0x4D
	White       = 235
	Black       = 16
	// MinContrast is the smallest difference between the mean luma of
	// white and black cells that Decode accepts; below it the frame is
	// too washed out to trust.
	MinContrast = 48
	// MinWidth is the narrowest frame that can carry the code: cells of
	// 4 px still leave a 2 px centre to sample.
	MinWidth = 4 * Columns
	// MaxDimension bounds width, height and stride, so that no size
	// arithmetic can overflow on hostile input.
	MaxDimension = 1 << 15
)

// Code is what one frame carries.
type Code struct {
	Camera uint8
	Seq    uint32
	// CapturedMS is the capture time in Unix milliseconds (48 bits kept).
	CapturedMS int64
}

// Captured returns the capture time as a time.Time.
func (c Code) Captured() time.Time { return time.UnixMilli(c.CapturedMS) }

// ErrBadFrame is returned by Encode for a frame the code cannot fit or
// whose dimensions are implausible.
var ErrBadFrame = errors.New("stamp: frame unsuitable for the block code")

// Height returns the height in pixels of the code's band in a frame of the
// given width, so callers can keep other drawing out of it.
func Height(width int) int {
	return (Rows*width + Columns - 1) / Columns
}

// Encode draws c into the luma plane y (rows of stride bytes) of a frame
// of width×height pixels.
func Encode(y []byte, width, height, stride int, c Code) error {
	if err := checkGeometry(len(y), width, height, stride); err != nil {
		return err
	}
	bits := c.bits()
	for i := 0; i < Cells; i++ {
		x0, x1, y0, y1 := cellBounds(i, width)
		v := byte(Black)
		if bits[i] {
			v = White
		}
		for yy := y0; yy < y1; yy++ {
			row := y[yy*stride+x0 : yy*stride+x1]
			for j := range row {
				row[j] = v
			}
		}
	}
	return nil
}

// Decode reads a code from the luma plane y of a width×height frame with
// rows of stride bytes. ok is false when there is no valid code.
func Decode(y []byte, width, height, stride int) (c Code, ok bool) {
	if checkGeometry(len(y), width, height, stride) != nil {
		return Code{}, false
	}
	var means [Cells]int
	for i := 0; i < Cells; i++ {
		means[i] = cellMean(y, stride, i, width)
	}
	// Marker cells give the white and black reference levels.
	var sumW, nW, sumB, nB int
	for i := 0; i < 8; i++ {
		for _, m := range []struct {
			cell int
			bit  bool
		}{
			{i, StartMarker&(0x80>>i) != 0},
			{Cells - 8 + i, EndMarker&(0x80>>i) != 0},
		} {
			if m.bit {
				sumW += means[m.cell]
				nW++
			} else {
				sumB += means[m.cell]
				nB++
			}
		}
	}
	white, black := sumW/nW, sumB/nB
	if white-black < MinContrast {
		return Code{}, false
	}
	threshold := (white + black) / 2
	var bits [Cells]bool
	for i := range bits {
		bits[i] = means[i] > threshold
	}
	return fromBits(bits)
}

func checkGeometry(n, width, height, stride int) error {
	if width > MaxDimension || height > MaxDimension || stride > MaxDimension {
		return fmt.Errorf("%w: %dx%d (stride %d) exceeds %d", ErrBadFrame, width, height, stride, MaxDimension)
	}
	if width < MinWidth || stride < width || height < Height(width) || n < (height-1)*stride+width {
		return fmt.Errorf("%w: %dx%d (stride %d, %d bytes), need width ≥ %d and height ≥ %d",
			ErrBadFrame, width, height, stride, n, MinWidth, Height(max(width, MinWidth)))
	}
	return nil
}

// cellBounds returns the pixel rectangle of cell i for a frame width.
func cellBounds(i, width int) (x0, x1, y0, y1 int) {
	r, c := i/Columns, i%Columns
	x0, x1 = c*width/Columns, (c+1)*width/Columns
	y0, y1 = r*width/Columns, (r+1)*width/Columns
	return
}

// cellMean averages the middle half of cell i in both directions.
func cellMean(y []byte, stride, i, width int) int {
	r, c := i/Columns, i%Columns
	// Quarter points in units of 1/(4·Columns) of the width.
	x0 := (4*c + 1) * width / (4 * Columns)
	x1 := max((4*c+3)*width/(4*Columns), x0+1)
	y0 := (4*r + 1) * width / (4 * Columns)
	y1 := max((4*r+3)*width/(4*Columns), y0+1)
	sum, n := 0, 0
	for yy := y0; yy < y1; yy++ {
		for _, v := range y[yy*stride+x0 : yy*stride+x1] {
			sum += int(v)
			n++
		}
	}
	return sum / n
}

func (c Code) payload() []byte {
	ms := uint64(c.CapturedMS) & (1<<48 - 1)
	return []byte{
		c.Camera,
		byte(c.Seq >> 24), byte(c.Seq >> 16), byte(c.Seq >> 8), byte(c.Seq),
		byte(ms >> 40), byte(ms >> 32), byte(ms >> 24), byte(ms >> 16), byte(ms >> 8), byte(ms),
	}
}

func (c Code) bits() [Cells]bool {
	p := c.payload()
	crc := crc16(p)
	bytes := make([]byte, 0, Cells/8)
	bytes = append(bytes, StartMarker)
	bytes = append(bytes, p...)
	bytes = append(bytes, byte(crc>>8), byte(crc), EndMarker)
	var bits [Cells]bool
	for i := range bits {
		bits[i] = bytes[i/8]&(0x80>>(i%8)) != 0
	}
	return bits
}

func fromBits(bits [Cells]bool) (Code, bool) {
	var b [Cells / 8]byte
	for i, on := range bits {
		if on {
			b[i/8] |= 0x80 >> (i % 8)
		}
	}
	if b[0] != StartMarker || b[14] != EndMarker {
		return Code{}, false
	}
	p := b[1:12]
	if crc16(p) != uint16(b[12])<<8|uint16(b[13]) {
		return Code{}, false
	}
	var ms int64
	for _, v := range p[5:11] {
		ms = ms<<8 | int64(v)
	}
	return Code{
		Camera:     p[0],
		Seq:        uint32(p[1])<<24 | uint32(p[2])<<16 | uint32(p[3])<<8 | uint32(p[4]),
		CapturedMS: ms,
	}, true
}

// crc16 is CRC-16/CCITT-FALSE, chosen because it is short to write in
// JavaScript and catches every burst error of up to 16 bits.
func crc16(p []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, v := range p {
		crc ^= uint16(v) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
