package probe

import (
	"math"
	"testing"
)

func TestToneFindsFrequency(t *testing.T) {
	var tone Tone
	if hz, _ := tone.Frequency(); hz != 0 {
		t.Fatalf("empty: %v Hz", hz)
	}
	pcm := make([]float32, 2*960)
	n := 0
	for chunk := 0; chunk < 60; chunk++ {
		for i := 0; i < 960; i++ {
			v := float32(0.25 * math.Sin(2*math.Pi*440*float64(n)/sampleRate))
			pcm[2*i], pcm[2*i+1] = v, -v
			n++
		}
		if err := tone.Write(pcm, 2); err != nil {
			t.Fatal(err)
		}
	}
	hz, purity := tone.Frequency()
	if math.Abs(hz-440) > 2 || purity < 0.8 {
		t.Fatalf("got %v Hz, purity %.2f; want 440 Hz, pure", hz, purity)
	}
	if tone.Samples() != 60*960 {
		t.Fatalf("samples %d", tone.Samples())
	}
}

func TestToneSilenceHasNoFrequency(t *testing.T) {
	var tone Tone
	_ = tone.Write(make([]float32, sampleRate), 1)
	if hz, p := tone.Frequency(); hz != 0 || p != 0 {
		t.Fatalf("silence: %v Hz purity %v", hz, p)
	}
}
