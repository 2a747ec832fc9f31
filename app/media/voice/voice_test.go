package voice

import (
	"math"
	"testing"

	"github.com/parleyhq/parley/internal/testspeech"
)

// speech speaks text with espeak-ng, at 48 kHz.
func speech(t *testing.T, voice, text string) []float32 {
	t.Helper()
	return testspeech.Read(t, testspeech.File(t, voice, text))
}

func energy(x []float32) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return e
}

// room plays far through a simulated room into the microphone: the echo
// comes back delay later at gain, and near (if any) is spoken into the
// microphone at the same time. It returns what the processor sends.
func room(t *testing.T, cfg Config, far, near []float32, delay int, gain float32) (mic, sent []float32) {
	t.Helper()
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	mic = make([]float32, len(far))
	for i := range mic {
		if i >= delay {
			mic[i] = gain * far[i-delay]
		}
		if i < len(near) {
			mic[i] += near[i]
		}
	}
	sent = append([]float32(nil), mic...)
	const chunk = 2 * Frame // the microphone's 20 ms
	for i := 0; i+chunk <= len(far); i += chunk {
		p.Render(far[i:i+chunk], 1)
		if err := p.Capture(sent[i : i+chunk]); err != nil {
			t.Fatal(err)
		}
	}
	return mic, sent
}

// The echo scenario: far-end speech plays through a room with a 70 ms
// path at -6 dB. After 2 s of convergence the echo the far end would hear
// back is at least 20 dB down with processing on (ERLE); with it off, none.
func TestEchoCancelled(t *testing.T) {
	far := speech(t, "en-us", "The far end talks about the weather, the trains and the coming holidays. Nobody on this side says a word, so everything the microphone hears is echo.")
	const delay = 70 * SampleRate / 1000
	conv := 2 * SampleRate
	erle := func(cfg Config) float64 {
		mic, sent := room(t, cfg, far, nil, delay, 0.5)
		return 10 * math.Log10(energy(mic[conv:])/math.Max(energy(sent[conv:]), 1e-12))
	}
	on, off := erle(Defaults()), erle(Config{})
	aecOnly := erle(Config{EchoCancellation: true})
	t.Logf("ERLE over far-end single talk after 2 s: %.1f dB with all processing, %.1f dB with the canceller alone, %.1f dB off", on, aecOnly, off)
	if on < 20 {
		t.Errorf("ERLE %.1f dB with processing on, want at least 20", on)
	}
	if math.Abs(off) > 0.5 {
		t.Errorf("with processing off the microphone is changed: %.1f dB", off)
	}
}

// Double talk: while the far end keeps talking, the near end's voice gets
// through, louder than the echo left over.
func TestNearEndSurvivesDoubleTalk(t *testing.T) {
	far := speech(t, "en-us", "The far end keeps talking, sentence after sentence, about the weather and the trains, while the other person starts to answer halfway through.")
	near := speech(t, "en-gb+f3", "I am answering now, can you hear me over your own voice?")
	const delay = 70 * SampleRate / 1000
	start := len(far) / 2
	nearAt := make([]float32, start+len(near))
	copy(nearAt[start:], near)
	_, sent := room(t, Defaults(), far, nearAt, delay, 0.5)
	_, echoOnly := room(t, Defaults(), far, nil, delay, 0.5)
	end := min(len(sent), start+len(near))
	// What the near end adds to what is sent, against the echo left.
	nearPart := energy(sent[start:end]) - energy(echoOnly[start:end])
	ratio := 10 * math.Log10(math.Max(nearPart, 1e-12)/math.Max(energy(echoOnly[start:end]), 1e-12))
	kept := 10 * math.Log10(math.Max(nearPart, 1e-12)/energy(near[:end-start]))
	t.Logf("double talk: near-end speech %.1f dB above the residual echo, at %.1f dB of its level", ratio, kept)
	if ratio < 10 {
		t.Errorf("near-end speech only %.1f dB above the residual echo", ratio)
	}
}

func TestSwitchesAndClose(t *testing.T) {
	p, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	in := []float32{0.1, -0.2, 0.3}
	buf := append([]float32(nil), make([]float32, 2*Frame)...)
	copy(buf, in)
	if err := p.Capture(buf); err != nil {
		t.Fatal(err)
	}
	if buf[1] != toFloat(-0.2) {
		t.Fatalf("processing off changed the samples: %v", buf[:3])
	}
	p.SetConfig(Defaults())
	if p.Config() != Defaults() {
		t.Fatalf("config %+v", p.Config())
	}
	p.Close()
	p.Close()
	if err := p.Capture(buf); err != ErrClosed {
		t.Fatalf("capture after close: %v", err)
	}
}

func toFloat(v float32) float32 { return float32(toInt16(v)) / 32768 }
