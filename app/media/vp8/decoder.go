package vp8

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/parleyhq/parley/app/frames"
)

// Largest picture Decode accepts: 4K UHD, either way round. Parley sends at
// most 720p; the margin is for other WebRTC senders. A keyframe header may
// claim up to 16383×16383, for which libvpx would allocate over a gigabyte
// of reference frames, so Decode refuses such a keyframe before libvpx sees
// it.
const (
	MaxDecodeDimension = 3840
	MaxDecodePixels    = 3840 * 2160
)

// Errors from Decoder. Every error Decode returns for bad input wraps
// ErrDecode; a libvpx failure also wraps an *Error with libvpx's message.
var (
	ErrDecode      = errors.New("vp8: cannot decode frame")
	ErrTooLarge    = errors.New("vp8: picture too large")
	ErrClosed      = errors.New("vp8: decoder closed")
	errOutOfMemory = errors.New("vp8: out of memory")
	// errNotI420Output and errBadPlanes guard against a libvpx that hands
	// back something other than the I420 picture VP8 always decodes to.
	errNotI420Output = errors.New("vp8: decoded picture is not I420")
	errBadPlanes     = errors.New("vp8: decoded picture has impossible planes")
)

// Decoder is Parley's VP8 decoder: libvpx, single-threaded, copying each
// picture into one packed I420 buffer that it reuses. It exists because
// mediadevices' decoder (v0.10.0) allocates a new image per frame (1.4 MB
// at 720p, 41 MB/s at 30 fps, all garbage for the collector), copies only
// w/2×h/2 chroma for odd sizes, and frees an image libvpx owns.
//
// Decode and Close may be called from different goroutines; decoding is
// serialised.
type Decoder struct {
	mu    sync.Mutex
	s     *vpxDecoder
	buf   []byte       // packed I420 of the last picture, reused
	frame frames.Frame // describes buf; what Decode returns
}

// NewDecoder starts a libvpx VP8 decoder.
func NewDecoder() (*Decoder, error) {
	s, err := newVPXDecoder()
	if err != nil {
		return nil, err
	}
	return &Decoder{s: s}, nil
}

// Decode decodes one whole VP8 frame and returns its picture, or nil and no
// error for a frame that libvpx decodes but does not show (rare: VP8 has no
// B-frames, but a sender may update references without showing). The
// returned frame's planes are packed I420 in a buffer the Decoder owns: the
// frame is valid until the next Decode, so a caller that keeps it must copy
// (frames.Sink consumers already do). Its Captured is left zero for the
// caller to set.
//
// Input libvpx cannot decode gives an error wrapping ErrDecode; the decoder
// goes on working from the next keyframe. A keyframe larger than
// MaxDecodeDimension or MaxDecodePixels gives ErrTooLarge (also wrapping
// ErrDecode) without reaching libvpx. After Close, Decode returns ErrClosed.
func (d *Decoder) Decode(data []byte) (*frames.Frame, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.s == nil {
		return nil, ErrClosed
	}
	if len(data) == 0 {
		// libvpx takes an empty input as "flush" and succeeds; to a
		// caller it is a broken frame.
		return nil, fmt.Errorf("%w: empty frame", ErrDecode)
	}
	if w, h, ok := keyFrameSize(data); ok && tooLarge(w, h) {
		return nil, fmt.Errorf("%w: %w: keyframe of %dx%d", ErrDecode, ErrTooLarge, w, h)
	}
	p, shown, err := d.s.decode(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecode, err)
	}
	if !shown {
		return nil, nil
	}
	if tooLarge(p.width, p.height) {
		return nil, fmt.Errorf("%w: %w: picture of %dx%d", ErrDecode, ErrTooLarge, p.width, p.height)
	}
	d.pack(p)
	return &d.frame, nil
}

// pack copies the picture row by row (libvpx's planes have borders and
// padded strides) into the reused buffer, chroma in full: (w+1)/2 ×
// (h+1)/2, so odd sizes need no repair.
func (d *Decoder) pack(p planes) {
	w, h := p.width, p.height
	cw, ch := (w+1)/2, (h+1)/2
	ySize, cSize := w*h, cw*ch
	need := ySize + 2*cSize
	if cap(d.buf) < need {
		d.buf = make([]byte, need)
	}
	b := d.buf[:need]
	f := &d.frame
	f.Width, f.Height = w, h
	f.Y, f.U, f.V = b[:ySize:ySize], b[ySize:ySize+cSize:ySize+cSize], b[ySize+cSize:]
	copyPlane(f.Y, p.y, w, h, p.yStride)
	copyPlane(f.U, p.u, cw, ch, p.uStride)
	copyPlane(f.V, p.v, cw, ch, p.vStride)
}

// copyPlane packs h rows of w bytes from src, whose rows are stride apart.
func copyPlane(dst, src []byte, w, h, stride int) {
	if stride == w {
		copy(dst, src[:w*h])
		return
	}
	for r := 0; r < h; r++ {
		copy(dst[r*w:(r+1)*w], src[r*stride:r*stride+w])
	}
}

// Close frees libvpx's decoder. Frames returned earlier stay readable (they
// live in Go memory); further Decodes return ErrClosed. Close is idempotent.
func (d *Decoder) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.s != nil {
		d.s.close()
		d.s = nil
	}
	return nil
}

func tooLarge(w, h int) bool {
	return w > MaxDecodeDimension || h > MaxDecodeDimension || w*h > MaxDecodePixels
}

// keyFrameSize reads a keyframe's picture size from its header (RFC 6386
// sections 9.1 and 9.2: bit 0 of the tag is 0 for a keyframe, then the
// start code 9d 01 2a and two 14-bit sizes whose top two bits are a
// scaling hint). ok is false for anything else.
func keyFrameSize(b []byte) (w, h int, ok bool) {
	if len(b) < 10 || b[0]&1 != 0 || b[3] != 0x9d || b[4] != 0x01 || b[5] != 0x2a {
		return 0, 0, false
	}
	return int(binary.LittleEndian.Uint16(b[6:8]) & 0x3fff), int(binary.LittleEndian.Uint16(b[8:10]) & 0x3fff), true
}
