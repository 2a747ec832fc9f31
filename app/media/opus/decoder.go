package opus

// #include <opus/opus.h>
import "C"

import "fmt"

// SampleRate is the rate every coder here runs at (WebRTC's Opus clock).
const SampleRate = 48000

// MaxFrameSamples is the longest Opus packet, 120 ms, in samples per channel.
const MaxFrameSamples = SampleRate * 120 / 1000

// Decoder is a libopus decoder. Unlike a plain decoder it can rebuild a
// lost packet from the in-band FEC of the packet after it (DecodeFEC) and
// invent a plausible continuation when there is none (Conceal): libopus's
// loss concealment, which keeps the voice's pitch and fades it out over a
// longer gap, instead of silence.
type Decoder struct {
	d        *C.OpusDecoder
	channels int
}

// NewDecoder returns a 48 kHz decoder for channels (1 or 2); Close frees it.
func NewDecoder(channels int) (*Decoder, error) {
	if channels != 1 && channels != 2 {
		return nil, fmt.Errorf("opus: %d channels: want 1 or 2", channels)
	}
	var code C.int
	d := C.opus_decoder_create(SampleRate, C.int(channels), &code)
	if err := check("decoder", code); err != nil {
		return nil, err
	}
	live.decoders.Add(1)
	return &Decoder{d: d, channels: channels}, nil
}

// Decode decodes packet into pcm (interleaved) and returns the samples per
// channel. pcm must hold MaxFrameSamples per channel.
func (d *Decoder) Decode(packet []byte, pcm []float32) (int, error) {
	return d.decode("decode", packet, pcm, MaxFrameSamples, 0)
}

// DecodeFEC rebuilds the packet lost just before next from next's in-band
// FEC, samples per channel long (the lost packet's duration). When next
// has no FEC, libopus conceals instead; HasFEC tells which. next itself
// must then be decoded with Decode as usual.
func (d *Decoder) DecodeFEC(next []byte, pcm []float32, samples int) (int, error) {
	return d.decode("decode fec", next, pcm, samples, 1)
}

// Conceal writes samples per channel of loss concealment into pcm, for a
// packet that is lost with nothing after it yet.
func (d *Decoder) Conceal(pcm []float32, samples int) (int, error) {
	return d.decode("conceal", nil, pcm, samples, 0)
}

func (d *Decoder) decode(op string, packet []byte, pcm []float32, samples, fec int) (int, error) {
	if d.d == nil {
		return 0, ErrClosed
	}
	if samples <= 0 || samples > MaxFrameSamples || len(pcm) < samples*d.channels {
		return 0, fmt.Errorf("opus: %s: room for %d samples per channel, want %d", op, len(pcm)/d.channels, samples)
	}
	n := C.opus_decode_float(d.d, bytePtr(packet), C.opus_int32(len(packet)), floatPtr(pcm), C.int(samples), C.int(fec))
	if err := check(op, n); err != nil {
		return 0, err
	}
	return int(n), nil
}

// Close frees the decoder; it is safe to call twice.
func (d *Decoder) Close() {
	if d.d != nil {
		C.opus_decoder_destroy(d.d)
		d.d = nil
		live.decoders.Add(-1)
	}
}
