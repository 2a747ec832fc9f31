package opus

import (
	"errors"
	"fmt"
	"time"

	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
)

// maxPacket bounds one encoded packet: Opus at 20 ms and the highest
// bitrate WebRTC uses stays far below it.
const maxPacket = 1500

// Stream encodes what a mediadevices audio reader captures, one packet per
// Read: it is the codec.ReadCloser a microphone track pulls from. Its
// controller takes the bitrate (codec.BitRateController) and the loss the
// receiver reports (SetPacketLoss), which switches in-band FEC on.
type Stream struct {
	enc      *Encoder
	reader   audio.Reader
	channels int
	pcm      []float32
}

var _ codec.BitRateController = (*Stream)(nil)

// NewStream encodes r, captured as p (48 kHz), in frames of frame (20 ms
// in WebRTC) at bitrate bit/s.
func NewStream(r audio.Reader, p prop.Media, bitrate int, frame time.Duration) (*Stream, error) {
	if p.SampleRate != SampleRate {
		return nil, fmt.Errorf("opus: capture at %d Hz, want %d", p.SampleRate, SampleRate)
	}
	channels := max(p.ChannelCount, 1)
	enc, err := NewEncoder(channels, bitrate)
	if err != nil {
		return nil, err
	}
	samples := int(frame * SampleRate / time.Second)
	return &Stream{enc: enc, reader: audio.NewBuffer(samples)(r), channels: channels, pcm: make([]float32, samples*channels)}, nil
}

// Read encodes the next frame.
func (s *Stream) Read() ([]byte, func(), error) {
	chunk, _, err := s.reader.Read()
	if err != nil {
		return nil, func() {}, err
	}
	pcm, err := s.float(chunk)
	if err != nil {
		return nil, func() {}, err
	}
	out := make([]byte, maxPacket)
	n, err := s.enc.Encode(pcm, out)
	if err != nil {
		return nil, func() {}, err
	}
	return out[:n:n], func() {}, nil
}

// float returns chunk as interleaved float32, converting 16-bit samples.
func (s *Stream) float(chunk wave.Audio) ([]float32, error) {
	switch c := chunk.(type) {
	case *wave.Float32Interleaved:
		return c.Data, nil
	case *wave.Int16Interleaved:
		if len(c.Data) > len(s.pcm) {
			s.pcm = make([]float32, len(c.Data))
		}
		for i, v := range c.Data {
			s.pcm[i] = float32(v) / 32768
		}
		return s.pcm[:len(c.Data)], nil
	}
	return nil, errors.New("opus: unsupported sample format")
}

// Controller is the stream itself.
func (s *Stream) Controller() codec.EncoderController { return s }

// SetBitRate implements codec.BitRateController.
func (s *Stream) SetBitRate(bitrate int) error { return s.enc.SetBitRate(bitrate) }

// SetPacketLoss passes the loss the receiver reports (percent) to the
// encoder, which sizes its in-band FEC to it.
func (s *Stream) SetPacketLoss(percent int) error { return s.enc.SetPacketLoss(percent) }

// Close frees the encoder.
func (s *Stream) Close() error {
	s.enc.Close()
	return nil
}
