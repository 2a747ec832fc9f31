package opus

import (
	"math"
	"testing"
)

const frame = SampleRate / 50 // 20 ms

// voice is a speech-like test signal: a 120–160 Hz glottal pitch with
// harmonics, shaped into 200 ms syllables, so that SILK (the speech
// layer, which carries FEC) codes it as it would a voice.
func voice(frames int) []float32 {
	out := make([]float32, frames*frame)
	phase := 0.0
	for i := range out {
		t := float64(i) / SampleRate
		f0 := 140 + 20*math.Sin(2*math.Pi*1.5*t)
		phase += 2 * math.Pi * f0 / SampleRate
		env := 0.5 + 0.5*math.Sin(2*math.Pi*5*t)
		var s float64
		for h := 1; h <= 12; h++ {
			s += math.Sin(float64(h)*phase) / float64(h)
		}
		out[i] = float32(0.15 * env * s)
	}
	return out
}

func encodeAll(t testing.TB, pcm []float32, loss int) [][]byte {
	t.Helper()
	enc, err := NewEncoder(1, 32000)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	if err := enc.SetPacketLoss(loss); err != nil {
		t.Fatal(err)
	}
	var pkts [][]byte
	buf := make([]byte, 1500)
	for i := 0; i+frame <= len(pcm); i += frame {
		n, err := enc.Encode(pcm[i:i+frame], buf)
		if err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, append([]byte(nil), buf[:n]...))
	}
	return pkts
}

// decodeAll decodes pkts in order; a nil packet is lost and handled by
// onLost, which returns that frame's audio.
func decodeAll(t *testing.T, pkts [][]byte, onLost func(d *Decoder, i int, pcm []float32) int) []float32 {
	t.Helper()
	d, err := NewDecoder(1)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out []float32
	pcm := make([]float32, MaxFrameSamples)
	for i, p := range pkts {
		var n int
		if p == nil {
			n = onLost(d, i, pcm)
		} else if n, err = d.Decode(p, pcm); err != nil {
			t.Fatal(err)
		}
		out = append(out, pcm[:n]...)
	}
	return out
}

// snr is the signal-to-difference ratio of got against want, in dB.
func snr(want, got []float32) float64 {
	var s, e float64
	for i := range want {
		s += float64(want[i]) * float64(want[i])
		d := float64(want[i] - got[i])
		e += d * d
	}
	return 10 * math.Log10(s/max(e, 1e-12))
}

func rms(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(max(len(x), 1)))
}

// One dropped packet comes back from the next packet's FEC: the decoded
// audio around the gap is close to the decode without the drop, and
// closer than concealment gets.
func TestFECRecoversOneLostPacket(t *testing.T) {
	pkts := encodeAll(t, voice(100), 20)
	clean := decodeAll(t, pkts, nil)
	const lost = 50
	if !HasFEC(pkts[lost+1]) {
		t.Fatalf("packet %d carries no FEC although the encoder was told of 20%% loss", lost+1)
	}
	dropped := append([][]byte(nil), pkts...)
	dropped[lost] = nil
	withFEC := decodeAll(t, dropped, func(d *Decoder, i int, pcm []float32) int {
		n, err := d.DecodeFEC(pkts[i+1], pcm, frame)
		if err != nil {
			t.Fatal(err)
		}
		return n
	})
	concealed := decodeAll(t, dropped, func(d *Decoder, _ int, pcm []float32) int {
		n, err := d.Conceal(pcm, frame)
		if err != nil {
			t.Fatal(err)
		}
		return n
	})
	gap := func(x []float32) []float32 { return x[lost*frame : (lost+2)*frame] }
	fec, plc := snr(gap(clean), gap(withFEC)), snr(gap(clean), gap(concealed))
	t.Logf("lost packet and the next: %.1f dB from FEC, %.1f dB from concealment", fec, plc)
	if fec < 6 || fec <= plc {
		t.Fatalf("FEC gives %.1f dB against the clean decode (concealment %.1f dB)", fec, plc)
	}
}

// A burst of lost packets is concealed, not silent, and fades rather than
// droning on.
func TestBurstConcealed(t *testing.T) {
	pkts := encodeAll(t, voice(100), 0)
	clean := decodeAll(t, pkts, nil)
	dropped := append([][]byte(nil), pkts...)
	for i := 40; i < 46; i++ {
		dropped[i] = nil
	}
	out := decodeAll(t, dropped, func(d *Decoder, _ int, pcm []float32) int {
		n, err := d.Conceal(pcm, frame)
		if err != nil {
			t.Fatal(err)
		}
		return n
	})
	first, last := rms(out[40*frame:41*frame]), rms(out[45*frame:46*frame])
	speech := rms(clean[35*frame : 40*frame])
	t.Logf("speech rms %.4f; concealed: first packet %.4f, sixth %.4f", speech, first, last)
	if first < speech/4 {
		t.Fatalf("the first concealed packet is near silence: rms %.4f against speech %.4f", first, speech)
	}
	if last >= first {
		t.Fatalf("concealment does not fade over a burst: %.4f then %.4f", first, last)
	}
}

func TestClosedAndBadArguments(t *testing.T) {
	d, err := NewDecoder(1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Conceal(make([]float32, 10), frame); err == nil {
		t.Fatal("concealed into a buffer too small")
	}
	if _, err := d.Decode([]byte{0xff, 0xff, 0xff}, make([]float32, MaxFrameSamples)); err == nil {
		t.Fatal("decoded garbage without an error")
	}
	d.Close()
	d.Close()
	if _, err := d.Decode([]byte{1}, make([]float32, MaxFrameSamples)); err != ErrClosed {
		t.Fatalf("decode after close: %v", err)
	}
	if _, err := NewDecoder(3); err == nil {
		t.Fatal("a 3-channel decoder")
	}
}

// FuzzDecode: no packet makes libopus or HasFEC crash, and a decode never
// claims more audio than its buffer holds.
func FuzzDecode(f *testing.F) {
	for _, p := range encodeAll(f, voice(5), 10) {
		f.Add(p)
	}
	f.Add([]byte{})
	f.Add([]byte{0xfc, 0xff, 0xff, 0xff})
	d, err := NewDecoder(2)
	if err != nil {
		f.Fatal(err)
	}
	pcm := make([]float32, 2*MaxFrameSamples)
	f.Fuzz(func(t *testing.T, p []byte) {
		_ = HasFEC(p)
		if n, err := d.Decode(p, pcm); err == nil && (n < 0 || n > MaxFrameSamples) {
			t.Fatalf("decoded %d samples", n)
		}
		if len(p) > 0 {
			_, _ = d.DecodeFEC(p, pcm, frame)
		}
	})
}
