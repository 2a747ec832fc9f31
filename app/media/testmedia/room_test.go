package testmedia

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// heard plays x through r in uneven pieces, as a speaker thread does, and
// returns what the microphone heard, in 10 ms chunks.
func heard(r *Room, x []float32) []float32 {
	var got []float32
	for o, step := 0, 0; o < len(x); o += step {
		step = min(len(x)-o, 240+(o/240%3)*240)
		r.Render(x[o:o+step], 1)
		for len(got)+480 <= o+step {
			chunk := make([]float32, 480)
			r.addEcho(chunk)
			got = append(got, chunk...)
		}
	}
	return got
}

// The room's echo is the delayed, scaled sound, and with an impulse
// response the sound convolved with it, sample for sample.
func TestRoomEcho(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, ToneSampleRate) // a second of noise
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 0.1)
	}
	delay := 40 * time.Millisecond
	d := int(delay * ToneSampleRate / time.Second)
	gain := float32(math.Pow(10, -6.0/20))
	ir := make([]float32, 3000) // a direct path and a decaying tail
	ir[0] = 1
	for i := 1; i < len(ir); i++ {
		ir[i] = float32(rng.NormFloat64() * 0.3 * math.Exp(-float64(i)/600))
	}
	for _, c := range []struct {
		name string
		ir   []float32
	}{{"delay and gain", nil}, {"with an impulse response", ir}} {
		t.Run(c.name, func(t *testing.T) {
			r := NewRoom(delay, -6)
			want := make([]float32, len(x))
			if c.ir == nil {
				for i := d; i < len(want); i++ {
					want[i] = gain * x[i-d]
				}
			} else {
				if err := r.SetImpulseResponse(c.ir); err != nil {
					t.Fatal(err)
				}
				for i := d; i < len(want); i++ {
					var v float32
					for j, h := range c.ir {
						if i-d-j < 0 {
							break
						}
						v += h * x[i-d-j]
					}
					want[i] = gain * v
				}
			}
			got := heard(r, x)
			var worst float64
			for i := range got {
				worst = max(worst, math.Abs(float64(got[i]-want[i])))
			}
			if worst > 1e-4 {
				t.Errorf("the echo differs from the expected by up to %g", worst)
			}
		})
	}
	if err := NewRoom(20*time.Millisecond, 0).SetImpulseResponse(ir); err == nil {
		t.Error("a delay shorter than the convolver's block was accepted")
	}
}
