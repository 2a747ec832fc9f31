package media

import (
	"math"
	"testing"

	"github.com/pion/mediadevices/pkg/wave"
)

// Level and mute work on the sample types real microphones deliver
// (16-bit from Parley's driver) as well as on float.
func TestMeasureAndSilence(t *testing.T) {
	info := wave.ChunkInfo{Len: 480, Channels: 2, SamplingRate: 48000}
	i16 := wave.NewInt16Interleaved(info)
	f32 := wave.NewFloat32Interleaved(info)
	for i := 0; i < info.Len; i++ {
		v := 0.5 * math.Sin(2*math.Pi*float64(i)/48) // 1 kHz, amplitude 0.5
		for ch := 0; ch < 2; ch++ {
			i16.SetInt16(i, ch, wave.Int16Sample(v*32767))
			f32.SetFloat32(i, ch, wave.Float32Sample(v))
		}
	}
	for _, c := range []wave.Audio{i16, f32} {
		l := measure(c)
		if math.Abs(float64(l.Peak)-0.5) > 0.01 || math.Abs(float64(l.RMS)-0.5/math.Sqrt2) > 0.01 {
			t.Errorf("%T: level %+v, want peak 0.5 and RMS 0.354", c, l)
		}
		s := silence(c)
		if s.ChunkInfo() != c.ChunkInfo() {
			t.Errorf("%T: silence has shape %+v", c, s.ChunkInfo())
		}
		if l := measure(s); l.Peak != 0 {
			t.Errorf("%T: silence peaks at %v", c, l.Peak)
		}
	}
	if l := measure(wave.NewFloat32Interleaved(wave.ChunkInfo{Channels: 1})); l != (Level{}) {
		t.Errorf("empty chunk: %+v", l)
	}
}
