package opus

// #include <opus/opus.h>
//
// // The ctl requests are variadic macros, which cgo cannot call.
// static int enc_set_bitrate(OpusEncoder *e, opus_int32 v) { return opus_encoder_ctl(e, OPUS_SET_BITRATE(v)); }
// static int enc_set_fec(OpusEncoder *e, opus_int32 v) { return opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(v)); }
// static int enc_set_loss(OpusEncoder *e, opus_int32 v) { return opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(v)); }
// static int enc_set_voice(OpusEncoder *e) { return opus_encoder_ctl(e, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)); }
import "C"

import (
	"fmt"
	"sync"
)

// Encoder is a libopus encoder for speech (OPUS_APPLICATION_VOIP) with
// in-band FEC on: when the receiver reports loss (SetPacketLoss), libopus
// spends part of the bitrate on a low-rate copy of each packet inside the
// next one, which the receiver's DecodeFEC turns back into audio.
type Encoder struct {
	mu       sync.Mutex
	e        *C.OpusEncoder
	channels int
}

// NewEncoder returns a 48 kHz encoder for channels at bitrate (bit/s).
func NewEncoder(channels, bitrate int) (*Encoder, error) {
	if channels != 1 && channels != 2 {
		return nil, fmt.Errorf("opus: %d channels: want 1 or 2", channels)
	}
	var code C.int
	e := C.opus_encoder_create(SampleRate, C.int(channels), C.OPUS_APPLICATION_VOIP, &code)
	if err := check("encoder", code); err != nil {
		return nil, err
	}
	enc := &Encoder{e: e, channels: channels}
	live.encoders.Add(1)
	for _, set := range []struct {
		op   string
		code C.int
	}{
		{"bitrate", C.enc_set_bitrate(e, C.opus_int32(bitrate))},
		{"in-band fec", C.enc_set_fec(e, 1)},
		{"signal", C.enc_set_voice(e)},
	} {
		if err := check(set.op, set.code); err != nil {
			enc.Close()
			return nil, err
		}
	}
	return enc, nil
}

// Encode encodes one frame of pcm (interleaved; 2.5 to 60 ms) into out and
// returns the packet's length.
func (e *Encoder) Encode(pcm []float32, out []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.e == nil {
		return 0, ErrClosed
	}
	n := C.opus_encode_float(e.e, floatPtr(pcm), C.int(len(pcm)/e.channels), bytePtr(out), C.opus_int32(len(out)))
	if err := check("encode", n); err != nil {
		return 0, err
	}
	return int(n), nil
}

// SetBitRate changes the target bitrate (bit/s).
func (e *Encoder) SetBitRate(bitrate int) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.e == nil {
		return ErrClosed
	}
	return check("bitrate", C.enc_set_bitrate(e.e, C.opus_int32(bitrate)))
}

// SetPacketLoss tells the encoder the loss the receiver reports (0–100 %):
// above 0, libopus adds in-band FEC sized for it.
func (e *Encoder) SetPacketLoss(percent int) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.e == nil {
		return ErrClosed
	}
	return check("packet loss", C.enc_set_loss(e.e, C.opus_int32(min(max(percent, 0), 100))))
}

// Close frees the encoder; it is safe to call twice.
func (e *Encoder) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.e != nil {
		C.opus_encoder_destroy(e.e)
		e.e = nil
		live.encoders.Add(-1)
	}
}
