package receive

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/parleyhq/parley/app/audio"
	"github.com/parleyhq/parley/app/media/opus"
	"github.com/parleyhq/parley/app/media/red"
)

// fecPackets encodes n 20 ms packets of a voiced signal with libopus, in-band
// FEC on and 20 % loss announced, as a browser sends once we report loss.
func fecPackets(t *testing.T, n int) []*rtp.Packet {
	t.Helper()
	enc, err := opus.NewEncoder(1, 32000)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	if err := enc.SetPacketLoss(20); err != nil {
		t.Fatal(err)
	}
	const frame = 960
	pcm := make([]float32, frame)
	buf := make([]byte, 1500)
	var pkts []*rtp.Packet
	phase := 0.0
	for i := range n {
		for j := range pcm {
			phase += 2 * math.Pi * 150 / audio.SampleRate
			var s float64
			for h := 1; h <= 8; h++ {
				s += math.Sin(float64(h)*phase) / float64(h)
			}
			pcm[j] = float32(0.2 * s)
		}
		m, err := enc.Encode(pcm, buf)
		if err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, &rtp.Packet{
			Header:  rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: uint16(1000 + i), Timestamp: uint32(i * frame), SSRC: 7},
			Payload: append([]byte(nil), buf[:m]...),
		})
	}
	return pkts
}

// One lost packet is rebuilt from the next one's FEC, not concealed; a
// burst longer than maxConceal is concealed up to that length, then
// skipped, and what follows it fades in rather than clicking.
func TestAudioRecoversFromFECAndConcealsBursts(t *testing.T) {
	pkts := fecPackets(t, 100)
	var sent []*rtp.Packet
	for i, p := range pkts {
		if i == 20 || (i >= 60 && i < 68) {
			continue
		}
		sent = append(sent, p)
	}
	out := audio.NewCapture(3)
	r := runAudio(t, sent, AudioConfig{Output: out})
	st := r.Stats()
	t.Logf("stats %+v", st)
	if st.PacketsLost != 9 || st.PacketsRecovered != 1 || st.PacketsConcealed != maxConceal {
		t.Fatalf("lost %d, recovered %d, concealed %d; want 9, 1 (the single loss), %d (the burst's first)",
			st.PacketsLost, st.PacketsRecovered, st.PacketsConcealed, maxConceal)
	}
	got := out.Samples()
	if want := (100 - 8 + maxConceal) * 960; len(got) != want {
		t.Fatalf("%d samples played, want %d", len(got), want)
	}
	// The concealed part of the burst is not silence.
	burst := got[60*960 : (60+maxConceal)*960]
	if peak(burst[:960]) < 0.05 {
		t.Fatalf("the first concealed packet is near silence (peak %.3f)", peak(burst[:960]))
	}
	// The packet after the skipped part fades in from zero.
	resumed := got[(60+maxConceal)*960:]
	if math.Abs(float64(resumed[0])) > 1e-6 || peak(resumed[:48]) > peak(resumed[480:960]) {
		t.Fatalf("audio after the gap does not fade in: first sample %.4f, first ms peak %.3f", resumed[0], peak(resumed[:48]))
	}
}

func peak(x []float32) float64 {
	var m float64
	for _, v := range x {
		m = max(m, math.Abs(float64(v)))
	}
	return m
}

// A lost packet whose successor is RED (as Chromium sends, and Parley
// too) is decoded from the successor's copy of it: the audio is exactly
// the decode without the loss. A malformed RED packet is dropped as bad.
func TestAudioRecoversFromRED(t *testing.T) {
	plain := fecPackets(t, 50)
	clean := audio.NewCapture(2)
	runAudio(t, plain, AudioConfig{Output: clean})

	pay := &red.Payloader{PayloadType: 111, Samples: 960}
	var sent []*rtp.Packet
	for i, p := range plain {
		q := *p
		q.PayloadType = 63
		q.Payload = pay.Payload(1200, p.Payload)[0]
		switch i {
		case 20:
			continue // lost
		case 30:
			bad := q
			bad.Payload = []byte{0x80 | 111, 0xff} // header cut short
			sent = append(sent, &bad)
			continue
		}
		sent = append(sent, &q)
	}
	out := audio.NewCapture(2)
	r := runAudio(t, sent, AudioConfig{Output: out, REDPayloadType: 63})
	st := r.Stats()
	t.Logf("stats %+v", st)
	// 20 comes back from 21's copy; 30, dropped as bad, from 31's.
	if st.PacketsLost != 2 || st.PacketsRecovered != 2 || st.PacketsConcealed != 0 || st.PacketsBad != 1 {
		t.Fatalf("lost %d, recovered %d, concealed %d, bad %d; want 2 2 0 1", st.PacketsLost, st.PacketsRecovered, st.PacketsConcealed, st.PacketsBad)
	}
	got, want := out.Samples(), clean.Samples()
	if len(got) != len(want) {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("sample %d is %v, %v without the losses", i, got[i], want[i])
		}
	}
}

// dryOutput is a speaker with a 30 ms target that has always just run
// dry: it records when each write came.
type dryOutput struct {
	mu     sync.Mutex
	writes []time.Time
	peaks  []float64 // each write's peak
	first  []float32 // each write's first sample
}

func (o *dryOutput) Write(pcm []float32, channels int) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.writes = append(o.writes, time.Now())
	o.peaks = append(o.peaks, peak(pcm))
	o.first = append(o.first, pcm[0])
	return nil
}

func (o *dryOutput) Stats() audio.PlayoutStats {
	return audio.PlayoutStats{Target: 30 * time.Millisecond}
}
func (o *dryOutput) Close() error { return nil }

// inTime runs a receiver on a dryOutput and sends it pkts in real time:
// packet i at when(i, p) after the start, or not at all when when says
// so (lost). It returns when each packet was sent (zero if lost) once the
// receiver has taken them all.
func inTime(t *testing.T, pkts []*rtp.Packet, when func(i int, p *rtp.Packet) (time.Duration, bool)) (*AudioReceiver, *dryOutput, []time.Time) {
	t.Helper()
	tr := newChanTrack(len(pkts))
	out := &dryOutput{}
	r, err := NewAudioReceiver(tr, AudioConfig{Output: out})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sent := make([]time.Time, len(pkts))
	go func() {
		defer close(tr.pkts)
		start := time.Now()
		for i, p := range pkts {
			at, ok := when(i, p)
			if !ok {
				continue
			}
			time.Sleep(time.Until(start.Add(at)))
			sent[i] = time.Now()
			if !tr.send(ctx, p) {
				return
			}
		}
	}()
	if err := r.Run(ctx); err != nil { // returns once the sender has closed the track
		t.Fatal(err)
	}
	return r, out, sent
}

// every20ms sends packet i at i×20 ms, less those in [from, to).
func every20ms(from, to int) func(int, *rtp.Packet) (time.Duration, bool) {
	return func(i int, _ *rtp.Packet) (time.Duration, bool) {
		return time.Duration(i) * 20 * time.Millisecond, i < from || i >= to
	}
}

// When packets stop (a burst of losses) and the speaker runs dry, the
// gap is concealed as it happens, packet by packet, not when the next
// packet comes: the speaker plays the concealment in place of silence.
func TestAudioConcealsABurstInTime(t *testing.T) {
	r, out, sent := inTime(t, fecPackets(t, 40), every20ms(20, 25)) // 100 ms lost
	st := r.Stats()
	t.Logf("stats %+v", st)
	out.mu.Lock()
	defer out.mu.Unlock()
	before := 0
	for _, w := range out.writes {
		if w.Before(sent[25]) {
			before++
		}
	}
	// 20 decoded, then at least 3 of the 5 missing concealed before packet
	// 25 came, 120 ms after packet 19: each when it would have played (20
	// ms after the one before, plus the 30 ms target, less 10 ms), at 40,
	// 60, 80 and 100 ms.
	if before < 23 {
		t.Errorf("%d writes before the burst ended, want at least 23", before)
	}
	if st.PacketsLost != 5 || st.PacketsConcealed+st.PacketsRecovered != 5 || len(out.writes) != 40 {
		t.Errorf("lost %d, concealed %d, recovered %d, %d writes; want 5 lost, all 5 filled, 40 writes",
			st.PacketsLost, st.PacketsConcealed, st.PacketsRecovered, len(out.writes))
	}
}

// A burst longer than libopus conceals (maxConceal) is filled with
// silence as the speaker runs dry, so that every packet's place is played
// and the audio after it keeps its time; the concealment fades out into
// the silence and the audio after it fades in.
func TestAudioFillsALongBurstInTime(t *testing.T) {
	const lost = maxConceal + 3
	pkts := fecPackets(t, 40)
	r, out, _ := inTime(t, pkts, every20ms(20, 20+lost))
	st := r.Stats()
	t.Logf("stats %+v", st)
	out.mu.Lock()
	defer out.mu.Unlock()
	if st.PacketsLost != lost || st.PacketsConcealed != maxConceal || len(out.writes) != len(pkts) {
		t.Fatalf("lost %d, concealed %d, %d writes; want %d lost, %d concealed, one write for each of the %d packets",
			st.PacketsLost, st.PacketsConcealed, len(out.writes), lost, maxConceal, len(pkts))
	}
	if p := out.peaks[20]; p < 0.05 {
		t.Errorf("the first concealed packet is near silence (peak %.3f)", p)
	}
	// The last concealed packet ends in silence; then silence, or the
	// burst's last packet rebuilt from the next one's FEC, faded in.
	for i := 20 + maxConceal; i < 20+lost; i++ {
		if out.peaks[i] != 0 && out.first[i] != 0 {
			t.Errorf("write %d after the concealment: peak %.3f, first sample %.4f; want silence or a fade-in", i, out.peaks[i], out.first[i])
		}
	}
}

// A sender that pauses (a muted microphone, a replaced track) and then
// goes on with the next sequence number but later audio is heard at once:
// the sequence numbers the receiver gave up during the pause are not the
// resumed audio's. So is one that starts its numbering afresh.
func TestAudioResumesAfterTheSenderPaused(t *testing.T) {
	for _, tc := range []struct {
		name string
		seq  func(i int, p *rtp.Packet) uint16
	}{
		{"same numbering", func(i int, p *rtp.Packet) uint16 { return p.SequenceNumber }},
		{"new numbering", func(i int, p *rtp.Packet) uint16 {
			if i >= 15 {
				return p.SequenceNumber - 1000 // far behind the first half
			}
			return p.SequenceNumber
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pkts := fecPackets(t, 30)
			r, _, _ := inTime(t, pkts, func(i int, p *rtp.Packet) (time.Duration, bool) {
				at := time.Duration(i) * 20 * time.Millisecond
				if i >= 15 { // a 300 ms pause: the audio's time moves on, the numbering does not
					at += 300 * time.Millisecond
					p.Timestamp += 300 * 48
				}
				p.SequenceNumber = tc.seq(i, p)
				return at, true
			})
			st := r.Stats()
			t.Logf("stats %+v", st)
			if st.PacketsDecoded != uint64(len(pkts)) || st.PacketsLate != 0 {
				t.Fatalf("%d of %d packets decoded, %d late; want all decoded", st.PacketsDecoded, len(pkts), st.PacketsLate)
			}
		})
	}
}
