package receive

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/parleyhq/parley/app/audio"
	"github.com/parleyhq/parley/internal/testwait"
)

func TestAudioDecodesToneThroughReorderAndLoss(t *testing.T) {
	const n = 100 // two seconds
	pkts := newToneEncoder(t, 440).packets(t, n)
	// Swap two pairs (one 40 ms out of order), lose one, duplicate one.
	pkts[10], pkts[12] = pkts[12], pkts[10]
	pkts[30], pkts[31] = pkts[31], pkts[30]
	lostSeq := pkts[50].SequenceNumber
	pkts = append(pkts[:50], pkts[51:]...)
	pkts = append(pkts[:70], append([]*rtp.Packet{pkts[69]}, pkts[70:]...)...)

	out := audio.NewCapture(3)
	r := runAudio(t, pkts, AudioConfig{Output: out})
	st := r.Stats()
	t.Logf("stats %+v, lost seq %d", st, lostSeq)
	if st.PacketsReceived != n {
		t.Errorf("received %d packets, want %d", st.PacketsReceived, n)
	}
	// A packet overtaken by a later one is given up at once (10 and 11
	// by 12, 30 by 31) and dropped as late when it comes, as is the
	// duplicate; with the lost one, four are concealed (this encoder
	// sends no FEC) and the timeline keeps its length.
	if st.PacketsDecoded != n-4 || st.PacketsLost != 4 || st.PacketsConcealed != 4 || st.PacketsLate != 4 || st.DecodeErrors != 0 {
		t.Errorf("decoded %d lost %d concealed %d late %d errors %d; want %d 4 4 4 0",
			st.PacketsDecoded, st.PacketsLost, st.PacketsConcealed, st.PacketsLate, st.DecodeErrors, n-4)
	}
	if got := len(out.Samples()); got != n*960 {
		t.Errorf("output got %d samples, want %d (the lost packet concealed)", got, n*960)
	}
	f := r.DominantFrequency()
	t.Logf("dominant frequency %.2f Hz", f)
	if math.Abs(f-440) > 3 {
		t.Errorf("dominant frequency %.1f Hz, want 440", f)
	}
	// Amplitude 8000/32768 ≈ 0.244, RMS ≈ 0.17; Opus at 32 kb/s keeps it close.
	if st.Level < 0.12 || st.Level > 0.23 {
		t.Errorf("level %.3f, want about 0.17", st.Level)
	}
}

func TestAudioRunsWithoutOutput(t *testing.T) {
	r := runAudio(t, newToneEncoder(t, 1000).packets(t, 50), AudioConfig{})
	if f := r.DominantFrequency(); math.Abs(f-1000) > 5 {
		t.Errorf("dominant frequency %.1f Hz, want 1000", f)
	}
	if st := r.Stats(); st.PacketsDecoded != 50 {
		t.Errorf("decoded %d of 50", st.PacketsDecoded)
	}
}

func TestAudioSurvivesGarbagePackets(t *testing.T) {
	var pkts []*rtp.Packet
	for i, payload := range [][]byte{{}, {0xff}, {0x03, 0xff, 0xff, 0xff}, {0xfc, 0, 1, 2}} {
		pkts = append(pkts, &rtp.Packet{Header: rtp.Header{SequenceNumber: uint16(i)}, Payload: payload})
	}
	st := runAudio(t, pkts, AudioConfig{Output: audio.NewCapture(1)}).Stats()
	// The empty packet is padding: neither audio nor an error.
	if st.PacketsReceived != 4 || st.DecodeErrors+st.PacketsDecoded != 3 {
		t.Errorf("stats %+v: every non-empty packet must be decoded or counted as an error", st)
	}
}

// The speaker can change mid-call; the receiver keeps going when an
// output refuses audio (unplugged speaker) and counts it.
func TestAudioSwitchesOutput(t *testing.T) {
	enc := newToneEncoder(t, 440)
	tr := newChanTrack(0)
	first, second := audio.NewCapture(1), audio.NewCapture(1)
	r, err := NewAudioReceiver(tr, AudioConfig{Output: first})
	if err != nil {
		t.Fatal(err)
	}
	wait := inBackground(t, context.Background(), r.Run)
	send := func(n int) {
		for _, p := range enc.packets(t, n) {
			tr.pkts <- p
		}
	}
	decodedAtLeast := func(n uint64) {
		testwait.Until(t, fmt.Sprintf("%d packets decoded", n), 10*time.Second, func() bool { return r.Stats().PacketsDecoded >= n })
	}
	send(10)
	decodedAtLeast(10)
	r.SetOutput(second)
	send(10)
	decodedAtLeast(20)
	second.Close()
	send(5)
	close(tr.pkts)
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if a, b := len(first.Samples()), len(second.Samples()); a != 10*960 || b != 10*960 {
		t.Errorf("first output got %d samples, second %d; want %d each", a, b, 10*960)
	}
	if st := r.Stats(); st.OutputErrors != 5 || st.PacketsDecoded != 25 {
		t.Errorf("output errors %d decoded %d, want 5 and 25", st.OutputErrors, st.PacketsDecoded)
	}
}

func TestAudioCancelUnblocksRead(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	r, err := NewAudioReceiver(newChanTrack(0), AudioConfig{})
	if err != nil {
		t.Fatal(err)
	}
	wait := inBackground(t, ctx, r.Run)
	cancel()
	if err := wait(); err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	testwait.Goroutines(t, before, 10*time.Second)
}

func TestNewAudioReceiverRejectsChannels(t *testing.T) {
	var ce *audio.ChannelsError
	if _, err := NewAudioReceiver(newChanTrack(0), AudioConfig{Channels: 6}); !errors.As(err, &ce) {
		t.Fatalf("err %v, want *audio.ChannelsError", err)
	}
}

func TestAudioStereoOutput(t *testing.T) {
	var out audio.Discard
	runAudio(t, newToneEncoder(t, 440).packets(t, 10), AudioConfig{Output: &out, Channels: 2})
	if out.Frames() != 10*960 {
		t.Errorf("output got %d frames, want %d", out.Frames(), 10*960)
	}
}
