package opus

// #cgo pkg-config: opus
// #include <opus/opus.h>
//
// // has_lbrr is libopus 1.5's opus_packet_has_lbrr, which Debian 12's
// // 1.3 lacks: whether a packet carries in-band FEC (SILK's LBRR flag in
// // its first frame) for the packet before it.
// static int has_lbrr(const unsigned char *p, opus_int32 len) {
//   const unsigned char *frames[48];
//   opus_int16 size[48];
//   if (len < 1 || (p[0] >> 3) >= 16) return 0; // CELT-only: no LBRR
//   int per_frame = opus_packet_get_samples_per_frame(p, 48000);
//   int nb = per_frame > 960 ? per_frame / 960 : 1;
//   int channels = opus_packet_get_nb_channels(p);
//   if (opus_packet_parse(p, len, NULL, frames, size, NULL) <= 0 || size[0] == 0) return 0;
//   int lbrr = (frames[0][0] >> (7 - nb)) & 1;
//   if (channels == 2) lbrr = lbrr || ((frames[0][0] >> (6 - 2 * nb)) & 1);
//   return lbrr;
// }
import "C"

import (
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"
)

// Error is a libopus error code, worded by libopus.
type Error struct {
	Op   string
	Code int
}

func (e *Error) Error() string {
	return fmt.Sprintf("opus: %s: %s", e.Op, C.GoString(C.opus_strerror(C.int(e.Code))))
}

func check(op string, code C.int) error {
	if code < 0 {
		return &Error{Op: op, Code: int(code)}
	}
	return nil
}

// live counts the coders not yet closed, so that tests can check that a
// call leaves no libopus state behind.
var live struct{ encoders, decoders atomic.Int64 }

// Live returns how many encoders and decoders are open.
func Live() (encoders, decoders int64) { return live.encoders.Load(), live.decoders.Load() }

// ErrClosed is returned by a coder used after Close.
var ErrClosed = errors.New("opus: closed")

func floatPtr(pcm []float32) *C.float {
	if len(pcm) == 0 {
		return nil
	}
	return (*C.float)(unsafe.Pointer(&pcm[0]))
}

func bytePtr(b []byte) *C.uchar {
	if len(b) == 0 {
		return nil
	}
	return (*C.uchar)(unsafe.Pointer(&b[0]))
}

// HasFEC reports whether packet carries in-band FEC for the packet before
// it, so that a receiver can tell a recovered packet from a concealed one.
func HasFEC(packet []byte) bool {
	if len(packet) == 0 {
		return false
	}
	return C.has_lbrr(bytePtr(packet), C.opus_int32(len(packet))) == 1
}
