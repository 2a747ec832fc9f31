package audioscore

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/testspeech"
)

// Two Harvard sentences each, about five seconds of speech.
const (
	sentenceA = "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background."
	sentenceB = "It is easy to tell the depth of a well. These days a chicken leg is a rare dish."
)

const rate = 48000

var speechCache sync.Map // text → []float32

// speech returns text spoken by espeak-ng at 48 kHz; each sentence is
// spoken once per test binary, as espeak takes a while and tests reuse it.
// Callers must not modify the result.
func speech(t testing.TB, text string) []float32 {
	t.Helper()
	if v, ok := speechCache.Load(text); ok {
		return v.([]float32)
	}
	x := testspeech.Read(t, testspeech.File(t, "en-us", text))
	if len(x) < rate {
		t.Fatalf("espeak-ng gave %d samples for %q", len(x), text)
	}
	v, _ := speechCache.LoadOrStore(text, x)
	return v.([]float32)
}

func power(x []float32) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return e / float64(len(x))
}

// withNoise returns x plus white Gaussian noise at snr dB below x's mean
// power over the whole signal, from a fixed seed so scores are repeatable.
func withNoise(x []float32, snr float64, seed uint64) []float32 {
	y := noise(len(x), math.Sqrt(power(x)/math.Pow(10, snr/10)), seed)
	for i, v := range x {
		y[i] += v
	}
	return y
}

// noise returns n samples of white Gaussian noise with standard
// deviation sd.
func noise(n int, sd float64, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	y := make([]float32, n)
	for i := range y {
		y[i] = float32(sd * r.NormFloat64())
	}
	return y
}

// withGaps returns x with gap of every period zeroed, as unconcealed
// packet loss sounds.
func withGaps(x []float32, period, gap int) []float32 {
	y := append([]float32(nil), x...)
	for s := 0; s < len(y); s += period {
		clear(y[s:min(len(y), s+gap)])
	}
	return y
}

func scale(x []float32, g float32) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = v * g
	}
	return y
}

func sine(n, rate int, freq, amp float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return x
}

func mustSTOI(t testing.TB, clean, degraded []float32, rate int) float64 {
	t.Helper()
	d, err := STOI(clean, degraded, rate)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
