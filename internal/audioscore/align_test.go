package audioscore

import (
	"testing"
	"time"
)

// delayed returns x late by lag samples (early if lag < 0), the same
// length as x plus lag when late.
func delayed(x []float32, lag int) []float32 {
	if lag >= 0 {
		return append(make([]float32, lag), x...)
	}
	return append([]float32(nil), x[-lag:]...)
}

func TestAlign(t *testing.T) {
	t.Parallel()
	x := speech(t, sentenceA)
	for _, c := range []struct {
		name string
		lag  int
		snr  float64 // 0: no noise
		peak float64
	}{
		{"late", 1234, 0, 0.999},
		{"early", -1234, 0, 0.999},
		{"late in noise", 1234, 20, 0.99},
		{"early in noise", -777, 10, 0.9},
	} {
		rec := delayed(x, c.lag)
		if c.snr != 0 {
			rec = withNoise(rec, c.snr, 5)
		}
		lag, peak := Align(x, rec, rate/10)
		if lag != c.lag || peak < c.peak {
			t.Errorf("%s: Align = %d, %.4f; want %d, > %.3f", c.name, lag, peak, c.lag, c.peak)
		}
		// The usual call: a pure delay, once undone, scores as the original.
		if c.snr == 0 && c.lag > 0 {
			if d := mustSTOI(t, x, Slice(rec, lag, len(x)), rate); d < 0.999 {
				t.Errorf("%s: STOI after alignment %.4f", c.name, d)
			}
		}
	}
}

// A lag outside the searched range is not found, and unrelated signals
// give a low peak, which is what lets callers refuse an alignment.
func TestAlignRefuses(t *testing.T) {
	t.Parallel()
	a, b := speech(t, sentenceA), speech(t, sentenceB)
	lag, peak := Align(a, delayed(a, 5000), 4000)
	t.Logf("out of range: %d, %.4f", lag, peak)
	if lag == 5000 || peak > 0.3 {
		t.Errorf("delay 5000 with maxLag 4000: Align = %d, %.4f; want peak < 0.3", lag, peak)
	}
	lag, peak = Align(a, b, rate/10)
	t.Logf("different sentences: %d, %.4f", lag, peak)
	if peak > 0.2 {
		t.Errorf("different sentences: Align = %d, %.4f; want peak < 0.2", lag, peak)
	}
	lag, peak = Align(a, noise(len(a), 0.1, 6), rate/10)
	t.Logf("noise: %d, %.4f", lag, peak)
	if peak > 0.05 {
		t.Errorf("speech against noise: Align = %d, %.4f; want peak < 0.05", lag, peak)
	}
}

// The size the benchmarks use: 30 s at 48 kHz, searched over ±2 s (10 s
// under the race detector).
func TestAlignLong(t *testing.T) {
	t.Parallel()
	a, b := speech(t, sentenceA), speech(t, sentenceB)
	seconds := 30
	if raceEnabled {
		seconds = 10
	}
	var ref []float32
	for len(ref) < seconds*rate {
		ref = append(append(ref, a...), b...)
	}
	ref = ref[:seconds*rate]
	const lag = 3*rate/2 + 17
	rec := withNoise(append(delayed(ref, lag), make([]float32, rate)...), 15, 7)
	start := time.Now()
	got, peak := Align(ref, rec, 2*rate)
	t.Logf("Align on %d s, ±2 s: %d, %.4f in %v", seconds, got, peak, time.Since(start))
	if got != lag || peak < 0.95 {
		t.Errorf("Align = %d, %.4f; want %d, > 0.95", got, peak, lag)
	}
}

func TestAlignEdges(t *testing.T) {
	t.Parallel()
	x := []float32{0, 0, 1, 0.5, -0.25, 0, 0}
	for _, c := range []struct {
		name     string
		ref, rec []float32
		maxLag   int
		lag      int
		peak     float64
	}{
		{"empty ref", nil, x, 3, 0, 0},
		{"empty rec", x, nil, 3, 0, 0},
		{"both empty", nil, nil, 3, 0, 0},
		{"one sample each", []float32{0.5}, []float32{0.25}, 3, 0, 1},
		{"silent rec", x, make([]float32, 7), 3, 0, 0},
		{"negative maxLag", x, x, -1, 0, 0},
		{"zero maxLag", x, x, 0, 0, 1},
		{"short shift", x, []float32{1, 0.5, -0.25, 0, 0}, 5, -2, 1},
	} {
		lag, peak := Align(c.ref, c.rec, c.maxLag)
		if lag != c.lag || abs64(peak-c.peak) > 1e-9 {
			t.Errorf("%s: Align = %d, %v; want %d, %v", c.name, lag, peak, c.lag, c.peak)
		}
	}
}

func TestSlice(t *testing.T) {
	t.Parallel()
	rec := []float32{1, 2, 3, 4, 5}
	for _, c := range []struct {
		lag, n int
		want   []float32
	}{
		{0, 5, []float32{1, 2, 3, 4, 5}},
		{2, 2, []float32{3, 4}},
		{3, 4, []float32{4, 5, 0, 0}},
		{-2, 4, []float32{0, 0, 1, 2}},
		{-9, 3, []float32{0, 0, 0}},
		{9, 2, []float32{0, 0}},
		{-1, 8, []float32{0, 1, 2, 3, 4, 5, 0, 0}},
		{0, 0, []float32{}},
		{0, -1, []float32{}},
	} {
		got := Slice(rec, c.lag, c.n)
		if len(got) != len(c.want) {
			t.Errorf("Slice(%d, %d) = %v, want %v", c.lag, c.n, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("Slice(%d, %d) = %v, want %v", c.lag, c.n, got, c.want)
				break
			}
		}
	}
	if got := Slice(nil, 3, 2); len(got) != 2 || got[0] != 0 || got[1] != 0 {
		t.Errorf("Slice(nil, 3, 2) = %v", got)
	}
}

func abs64(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func BenchmarkAlign30s(b *testing.B) {
	a := speech(b, sentenceA)
	var ref []float32
	for len(ref) < 30*rate {
		ref = append(ref, a...)
	}
	ref = ref[:30*rate]
	rec := withNoise(delayed(ref, rate), 20, 8)
	b.ResetTimer()
	for b.Loop() {
		Align(ref, rec, 2*rate)
	}
}
