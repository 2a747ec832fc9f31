package bridge

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/parleyhq/parley/app/frames"
)

// Wire constants; see the package documentation for the layout.
const (
	HeaderSize = 32
	Version    = 1
	FormatI420 = 1

	// MaxDimension bounds width and height. It is far above any camera
	// Parley negotiates and keeps a corrupt header from asking a reader to
	// allocate gigabytes.
	MaxDimension = 8192
)

var magic = [2]byte{'P', 'F'}

// Header describes one frame message.
type Header struct {
	Stream   frames.Stream
	Format   uint8
	Seq      uint32
	Width    int
	Height   int
	Captured int64 // µs since the Unix epoch, 0 if unknown
	Sent     int64 // µs since the Unix epoch
}

// PayloadSize returns the number of plane bytes that follow the header.
func (h Header) PayloadSize() int {
	cw, ch := (h.Width+1)/2, (h.Height+1)/2
	return h.Width*h.Height + 2*cw*ch
}

// put writes h into b, which must hold HeaderSize bytes.
func (h Header) put(b []byte) {
	b[0], b[1] = magic[0], magic[1]
	b[2] = Version
	b[3] = byte(h.Stream)
	b[4] = h.Format
	b[5], b[6], b[7] = 0, 0, 0
	binary.LittleEndian.PutUint32(b[8:], h.Seq)
	binary.LittleEndian.PutUint16(b[12:], uint16(h.Width))
	binary.LittleEndian.PutUint16(b[14:], uint16(h.Height))
	binary.LittleEndian.PutUint64(b[16:], uint64(h.Captured))
	binary.LittleEndian.PutUint64(b[24:], uint64(h.Sent))
}

// HeaderErrorCode says what is wrong with a message.
type HeaderErrorCode int

// Reasons DecodeHeader rejects a message.
const (
	ErrShort HeaderErrorCode = iota + 1
	ErrMagic
	ErrVersion
	ErrReserved
	ErrStream
	ErrFormat
	ErrDimensions
	ErrLength
)

// HeaderError is the typed error DecodeHeader returns.
type HeaderError struct {
	Code   HeaderErrorCode
	Detail string
}

func (e *HeaderError) Error() string { return "bridge: bad frame message: " + e.Detail }

// DecodeHeader parses and checks the header of a whole frame message msg,
// including that the planes that follow have exactly the size the header
// announces. Readers (the tests, the fuzzer; the page has its own copy,
// parseFrame in frontend/js/framestream.js) trust nothing they did not
// check.
func DecodeHeader(msg []byte) (Header, error) {
	if len(msg) < HeaderSize {
		return Header{}, &HeaderError{ErrShort, fmt.Sprintf("%d bytes, header needs %d", len(msg), HeaderSize)}
	}
	if msg[0] != magic[0] || msg[1] != magic[1] {
		return Header{}, &HeaderError{ErrMagic, "magic is not PF"}
	}
	if msg[2] != Version {
		return Header{}, &HeaderError{ErrVersion, fmt.Sprintf("version %d, want %d", msg[2], Version)}
	}
	if msg[5]|msg[6]|msg[7] != 0 {
		return Header{}, &HeaderError{ErrReserved, "reserved bytes are not zero"}
	}
	h := Header{
		Stream:   frames.Stream(msg[3]),
		Format:   msg[4],
		Seq:      binary.LittleEndian.Uint32(msg[8:]),
		Width:    int(binary.LittleEndian.Uint16(msg[12:])),
		Height:   int(binary.LittleEndian.Uint16(msg[14:])),
		Captured: int64(binary.LittleEndian.Uint64(msg[16:])),
		Sent:     int64(binary.LittleEndian.Uint64(msg[24:])),
	}
	if h.Stream != frames.Remote && h.Stream != frames.Local {
		return Header{}, &HeaderError{ErrStream, fmt.Sprintf("unknown stream %d", h.Stream)}
	}
	if h.Format != FormatI420 {
		return Header{}, &HeaderError{ErrFormat, fmt.Sprintf("unknown format %d", h.Format)}
	}
	if h.Width < 1 || h.Height < 1 || h.Width > MaxDimension || h.Height > MaxDimension {
		return Header{}, &HeaderError{ErrDimensions, fmt.Sprintf("size %dx%d", h.Width, h.Height)}
	}
	if got, want := len(msg)-HeaderSize, h.PayloadSize(); got != want {
		return Header{}, &HeaderError{ErrLength, fmt.Sprintf("%d plane bytes, %dx%d needs %d", got, h.Width, h.Height, want)}
	}
	return h, nil
}

// micros converts t to µs since the epoch, 0 for the zero time.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}
