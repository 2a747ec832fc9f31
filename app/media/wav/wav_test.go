package wav

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"
)

// wavFile builds a 16-bit PCM WAV of samples (interleaved) at rate.
func wavFile(samples []int16, channels, rate int) []byte {
	var b bytes.Buffer
	data := len(samples) * 2
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+data))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, binary.LittleEndian, struct {
		Size                uint32
		Format, Channels    uint16
		Rate, ByteRate      uint32
		BlockAlign, BitsPer uint16
	}{16, 1, uint16(channels), uint32(rate), uint32(rate * channels * 2), uint16(channels * 2), 16})
	b.WriteString("LIST")
	binary.Write(&b, binary.LittleEndian, uint32(3))
	b.Write([]byte{1, 2, 3, 0}) // an odd-sized chunk, padded
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(data))
	binary.Write(&b, binary.LittleEndian, samples)
	return b.Bytes()
}

// A 22.05 kHz stereo file (espeak-ng's rate) comes out as 48 kHz mono of
// the same length and pitch.
func TestReadResamples(t *testing.T) {
	const rate, hz = 22050, 300
	s := make([]int16, 2*rate) // one second, stereo
	for i := 0; i < rate; i++ {
		v := int16(10000 * math.Sin(2*math.Pi*hz*float64(i)/rate))
		s[2*i], s[2*i+1] = v, v
	}
	got, err := Read(bytes.NewReader(wavFile(s, 2, rate)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != SampleRate {
		t.Fatalf("%d samples, want %d", len(got), SampleRate)
	}
	// Compare the middle against the ideal 48 kHz sine.
	var e, p float64
	for i := 1000; i < len(got)-1000; i++ {
		want := 10000.0 / 32768 * math.Sin(2*math.Pi*hz*float64(i)/SampleRate)
		e += (float64(got[i]) - want) * (float64(got[i]) - want)
		p += want * want
	}
	if snr := 10 * math.Log10(p/e); snr < 40 {
		t.Fatalf("resampled sine is %.1f dB from the ideal, want ≥ 40", snr)
	}
}

func TestReadRefuses(t *testing.T) {
	good := wavFile([]int16{1, 2, 3, 4}, 1, 16000)
	bad := func(mutate func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		mutate(b)
		return b
	}
	for name, b := range map[string][]byte{
		"empty":     nil,
		"not riff":  bad(func(b []byte) { b[0] = 'X' }),
		"8-bit":     bad(func(b []byte) { b[34] = 8 }),
		"float":     bad(func(b []byte) { b[20] = 3 }),
		"3 ch":      bad(func(b []byte) { b[22] = 3 }),
		"4 kHz":     bad(func(b []byte) { binary.LittleEndian.PutUint32(b[24:], 4000) }),
		"truncated": good[:30],
	} {
		if _, err := Read(bytes.NewReader(b)); !errors.Is(err, ErrBad) {
			t.Errorf("%s: %v, want ErrBad", name, err)
		}
	}
}

// FuzzRead: any bytes give samples or ErrBad, never a panic, and
// never more than MaxSeconds of audio.
func FuzzRead(f *testing.F) {
	f.Add(wavFile([]int16{1, -2, 3, -4}, 2, 44100))
	f.Add(wavFile([]int16{5}, 1, 8000))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Read(bytes.NewReader(b))
		if err != nil && !errors.Is(err, ErrBad) {
			t.Fatalf("error %v does not wrap ErrBad", err)
		}
		if len(got) > MaxSeconds*SampleRate+SampleRate {
			t.Fatalf("%d samples", len(got))
		}
	})
}

func TestWriteReadsBack(t *testing.T) {
	in := []float32{0, 0.5, -0.5, 1.5, -1.5}
	var b bytes.Buffer
	if err := Write(&b, in); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&b)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0, 0.5, -0.5, 1, -1}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-3 {
			t.Fatalf("sample %d: %v, want %v", i, got[i], want[i])
		}
	}
}
