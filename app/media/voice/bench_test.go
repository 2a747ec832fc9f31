package voice

import (
	"math"
	"testing"
)

// BenchmarkFrame is the processing cost of one 10 ms frame with all
// processing on: one far-end frame rendered, one microphone frame captured.
func BenchmarkFrame(b *testing.B) {
	p, err := New(Defaults())
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	far := make([]float32, Frame)
	mic := make([]float32, Frame)
	for i := range far {
		far[i] = float32(0.2 * math.Sin(float64(i)*0.05))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Render(far, 1)
		for j := range mic {
			mic[j] = 0.5 * far[j]
		}
		if err := p.Capture(mic); err != nil {
			b.Fatal(err)
		}
	}
}
