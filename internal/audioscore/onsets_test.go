package audioscore

import (
	"math"
	"slices"
	"testing"
	"time"
)

// click writes a 5 ms decaying 2 kHz burst at p, starting at full
// amplitude (sign > 0) or its negative, the way a test click rings.
func click(x []float32, p int, sign float32) {
	for i := range rate / 200 {
		x[p+i] += sign * 0.8 * float32(math.Exp(-float64(i)/60)*math.Cos(2*math.Pi*2000*float64(i)/rate))
	}
}

func TestOnsets(t *testing.T) {
	t.Parallel()
	x := noise(2*rate, 0.01, 10) // background well below the threshold
	want := []int{1000, 20000, 50001, 70000, 90000}
	for k, p := range want {
		click(x, p, float32(1-2*(k%2)))
	}
	click(x, 70000+rate/100, 1) // an echo 10 ms after a click is part of it
	got := Onsets(x, rate, 0.2, 50*time.Millisecond)
	if !slices.Equal(got, want) {
		t.Errorf("Onsets = %v, want %v", got, want)
	}
	// With a gap shorter than the echo delay, the echo is its own onset.
	got = Onsets(x, rate, 0.2, 5*time.Millisecond)
	want = []int{1000, 20000, 50001, 70000, 70000 + rate/100, 90000}
	if !slices.Equal(got, want) {
		t.Errorf("Onsets with 5 ms gap = %v, want %v", got, want)
	}
}

func TestOnsetsEdges(t *testing.T) {
	t.Parallel()
	if got := Onsets(nil, rate, 0.1, time.Millisecond); len(got) != 0 {
		t.Errorf("Onsets(nil) = %v", got)
	}
	if got := Onsets([]float32{0.5}, rate, 0.1, time.Second); !slices.Equal(got, []int{0}) {
		t.Errorf("Onsets of one loud sample = %v, want [0]", got)
	}
	if got := Onsets(make([]float32, 100), rate, 0.1, time.Millisecond); len(got) != 0 {
		t.Errorf("Onsets of silence = %v", got)
	}
	// a zero gap still needs one quiet sample between onsets
	if got := Onsets([]float32{1, 1, 0, 1}, rate, 0.5, 0); !slices.Equal(got, []int{0, 3}) {
		t.Errorf("Onsets with no gap = %v, want [0 3]", got)
	}
}

func TestERLE(t *testing.T) {
	t.Parallel()
	x := speech(t, sentenceA)
	for _, c := range []struct {
		name          string
		before, after []float32
		want          float64
	}{
		{"20 dB", x, scale(x, 0.1), 20},
		{"none", x, x, 0},
		{"louder after", scale(x, 0.5), x, -6.0206},
		{"cancelled to silence", x, make([]float32, len(x)), MaxERLE},
		{"silent before", make([]float32, 10), x, -MaxERLE},
		{"both silent", make([]float32, 10), make([]float32, 10), 0},
		{"empty", nil, nil, 0},
		{"below the cap", x, scale(x, 1e-6), 100},
	} {
		if got := ERLE(c.before, c.after); math.Abs(got-c.want) > 1e-3 {
			t.Errorf("%s: ERLE = %.4f dB, want %.4f", c.name, got, c.want)
		}
	}
	if got := ERLE(x, scale(x, 1e-7)); got != MaxERLE {
		t.Errorf("ERLE past the cap = %v, want %v", got, MaxERLE)
	}
}
