// Package wav reads the 16-bit PCM WAV files the test microphone plays
// (--mic-file) and the sound tests speak with espeak-ng.
package wav

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// SampleRate is the rate Read returns: WebRTC's Opus clock.
const SampleRate = 48000

// MaxSeconds bounds a file Read accepts.
const MaxSeconds = 600

// ErrBad is wrapped by every error Read returns for a file it cannot use.
var ErrBad = errors.New("not a usable WAV file")

// Read reads a 16-bit PCM WAV file (mono or stereo, 8 kHz to 192 kHz) and
// returns it as mono float samples at SampleRate: stereo is averaged,
// other rates are resampled with a windowed-sinc filter.
func Read(r io.Reader) ([]float32, error) {
	var riff [12]byte
	if _, err := io.ReadFull(r, riff[:]); err != nil || string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return nil, fmt.Errorf("%w: no RIFF/WAVE header", ErrBad)
	}
	var (
		channels, bits, format int
		rate                   int
		haveFmt                bool
	)
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return nil, fmt.Errorf("%w: no data chunk", ErrBad)
		}
		id, size := string(hdr[0:4]), int64(binary.LittleEndian.Uint32(hdr[4:8]))
		switch id {
		case "fmt ":
			if size < 16 || size > 1024 {
				return nil, fmt.Errorf("%w: fmt chunk of %d bytes", ErrBad, size)
			}
			b := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, fmt.Errorf("%w: short fmt chunk", ErrBad)
			}
			format = int(binary.LittleEndian.Uint16(b[0:2]))
			channels = int(binary.LittleEndian.Uint16(b[2:4]))
			rate = int(binary.LittleEndian.Uint32(b[4:8]))
			bits = int(binary.LittleEndian.Uint16(b[14:16]))
			haveFmt = true
		case "data":
			if !haveFmt {
				return nil, fmt.Errorf("%w: data before fmt", ErrBad)
			}
			if format != 1 || bits != 16 {
				return nil, fmt.Errorf("%w: format %d with %d bits; want 16-bit PCM", ErrBad, format, bits)
			}
			if channels != 1 && channels != 2 {
				return nil, fmt.Errorf("%w: %d channels; want 1 or 2", ErrBad, channels)
			}
			if rate < 8000 || rate > 192000 {
				return nil, fmt.Errorf("%w: %d Hz; want 8 to 192 kHz", ErrBad, rate)
			}
			frameBytes := int64(2 * channels)
			max := int64(MaxSeconds) * int64(rate) * frameBytes
			if size > max || size == 0xffffffff { // streamed files leave the size at its maximum
				size = max
			}
			raw, err := io.ReadAll(io.LimitReader(r, size))
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrBad, err)
			}
			frames := len(raw) / int(frameBytes)
			mono := make([]float32, frames)
			for i := range mono {
				var sum float32
				for c := range channels {
					sum += float32(int16(binary.LittleEndian.Uint16(raw[(i*channels+c)*2:]))) / 32768
				}
				mono[i] = sum / float32(channels)
			}
			return resample(mono, rate, SampleRate), nil
		default:
			if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
				return nil, fmt.Errorf("%w: short %q chunk", ErrBad, id)
			}
		}
	}
}

// resample converts in from rate `from` to `to` with a Hann-windowed sinc
// of 16 zero crossings each side, its cut-off at the lower Nyquist
// frequency, so that downsampling does not alias.
func resample(in []float32, from, to int) []float32 {
	if from == to || len(in) == 0 {
		return in
	}
	const half = 16
	ratio := float64(to) / float64(from)
	cut := min(1, ratio) // cut-off as a fraction of the input Nyquist
	width := float64(half) / cut
	out := make([]float32, int(float64(len(in))*ratio))
	for i := range out {
		x := float64(i) / ratio
		lo, hi := int(math.Ceil(x-width)), int(math.Floor(x+width))
		var sum, norm float64
		for j := max(lo, 0); j <= min(hi, len(in)-1); j++ {
			d := (x - float64(j)) * cut
			w := 0.5 + 0.5*math.Cos(math.Pi*d/half)
			s := 1.0
			if d != 0 {
				s = math.Sin(math.Pi*d) / (math.Pi * d)
			}
			k := s * w
			sum += float64(in[j]) * k
			norm += k
		}
		if norm != 0 {
			out[i] = float32(sum / norm)
		}
	}
	return out
}

// Write writes samples (mono, at SampleRate, full scale ±1, clipped) as a
// 16-bit PCM WAV file.
func Write(w io.Writer, samples []float32) error {
	data := 2 * len(samples)
	hdr := make([]byte, 44)
	copy(hdr[0:], "RIFF")
	binary.LittleEndian.PutUint32(hdr[4:], uint32(36+data))
	copy(hdr[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(hdr[16:], 16)
	binary.LittleEndian.PutUint16(hdr[20:], 1) // PCM
	binary.LittleEndian.PutUint16(hdr[22:], 1) // mono
	binary.LittleEndian.PutUint32(hdr[24:], SampleRate)
	binary.LittleEndian.PutUint32(hdr[28:], SampleRate*2)
	binary.LittleEndian.PutUint16(hdr[32:], 2)
	binary.LittleEndian.PutUint16(hdr[34:], 16)
	copy(hdr[36:], "data")
	binary.LittleEndian.PutUint32(hdr[40:], uint32(data))
	body := make([]byte, data)
	for i, v := range samples {
		x := math.Round(float64(v) * 32767)
		binary.LittleEndian.PutUint16(body[2*i:], uint16(int16(max(-32768, min(32767, x)))))
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(body)
	return err
}
