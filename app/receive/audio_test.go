package receive

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/opus"
	mdaudio "github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"

	"github.com/parleyhq/parley/app/audio"
)

// toneEncoder encodes a sine tone with mediadevices' libopus encoder into
// 20 ms RTP packets, as a Parley or browser sender would.
type toneEncoder struct {
	enc codec.ReadCloser
	pz  rtp.Packetizer
}

func newToneEncoder(t testing.TB, freq float64) *toneEncoder {
	t.Helper()
	params, err := opus.NewParams()
	if err != nil {
		t.Fatal(err)
	}
	params.BitRate = 32000
	var n int
	src := mdaudio.ReaderFunc(func() (wave.Audio, func(), error) {
		chunk := wave.NewInt16Interleaved(wave.ChunkInfo{Len: 960, Channels: 1, SamplingRate: 48000})
		for i := range chunk.Data {
			chunk.Data[i] = int16(8000 * math.Sin(2*math.Pi*freq*float64(n)/48000))
			n++
		}
		return chunk, func() {}, nil
	})
	enc, err := params.BuildAudioEncoder(src, prop.Media{Audio: prop.Audio{SampleRate: 48000, ChannelCount: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { enc.Close() })
	return &toneEncoder{enc: enc, pz: rtp.NewPacketizer(1200, 111, 0x5678, &codecs.OpusPayloader{}, rtp.NewRandomSequencer(), 48000)}
}

// encode returns the next 20 ms Opus frame.
func (e *toneEncoder) encode() ([]byte, error) {
	data, release, err := e.enc.Read()
	if err != nil {
		return nil, err
	}
	defer release()
	return append([]byte(nil), data...), nil
}

// next returns the next 20 ms packet.
func (e *toneEncoder) next() (*rtp.Packet, error) {
	data, err := e.encode()
	if err != nil {
		return nil, err
	}
	pkts := e.pz.Packetize(data, 960)
	if len(pkts) != 1 {
		return nil, errors.New("opus frame did not fit one packet")
	}
	return pkts[0], nil
}

func TestAudioDecodesToneThroughReorderAndLoss(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	enc := newToneEncoder(t, 440)
	const n = 100 // two seconds
	var pkts []*rtp.Packet
	for i := 0; i < n; i++ {
		p, err := enc.next()
		if err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, p)
	}
	// Swap two pairs (one 40 ms out of order), lose one, duplicate one.
	pkts[10], pkts[12] = pkts[12], pkts[10]
	pkts[30], pkts[31] = pkts[31], pkts[30]
	lostSeq := pkts[50].SequenceNumber
	pkts = append(pkts[:50], pkts[51:]...)
	pkts = append(pkts[:70], append([]*rtp.Packet{pkts[69]}, pkts[70:]...)...)

	tr := newChanTrack(len(pkts))
	for _, p := range pkts {
		tr.pkts <- p
	}
	close(tr.pkts)
	out := audio.NewCapture(3)
	r, err := NewAudioReceiver(tr, AudioConfig{Output: out})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	st := r.Stats()
	t.Logf("stats %+v, lost seq %d", st, lostSeq)
	if st.PacketsReceived != n {
		t.Errorf("received %d packets, want %d", st.PacketsReceived, n)
	}
	// Everything but the lost packet is decoded; the duplicate counts as late.
	if st.PacketsDecoded != n-1 || st.PacketsLost != 1 || st.PacketsConcealed != 1 || st.PacketsLate != 1 || st.DecodeErrors != 0 {
		t.Errorf("decoded %d lost %d concealed %d late %d errors %d; want %d 1 1 1 0",
			st.PacketsDecoded, st.PacketsLost, st.PacketsConcealed, st.PacketsLate, st.DecodeErrors, n-1)
	}
	if got := len(out.Samples()); got != n*960 {
		t.Errorf("output got %d samples, want %d (the lost packet as silence)", got, n*960)
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
	enc := newToneEncoder(t, 1000)
	tr := newChanTrack(50)
	for i := 0; i < 50; i++ {
		p, err := enc.next()
		if err != nil {
			t.Fatal(err)
		}
		tr.pkts <- p
	}
	close(tr.pkts)
	r, err := NewAudioReceiver(tr, AudioConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f := r.DominantFrequency(); math.Abs(f-1000) > 5 {
		t.Errorf("dominant frequency %.1f Hz, want 1000", f)
	}
	if st := r.Stats(); st.PacketsDecoded != 50 {
		t.Errorf("decoded %d of 50", st.PacketsDecoded)
	}
}

func TestAudioSurvivesGarbagePackets(t *testing.T) {
	tr := newChanTrack(10)
	for i, payload := range [][]byte{{}, {0xff}, {0x03, 0xff, 0xff, 0xff}, {0xfc, 0, 1, 2}} {
		tr.pkts <- &rtp.Packet{Header: rtp.Header{SequenceNumber: uint16(i)}, Payload: payload}
	}
	close(tr.pkts)
	r, err := NewAudioReceiver(tr, AudioConfig{Output: audio.NewCapture(1)})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := r.Stats()
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
	done := make(chan error, 1)
	go func() { done <- r.Run(context.Background()) }()
	send := func(n int) {
		for i := 0; i < n; i++ {
			p, err := enc.next()
			if err != nil {
				t.Fatal(err)
			}
			tr.pkts <- p
		}
	}
	decodedAtLeast := func(n uint64) {
		deadline := time.Now().Add(10 * time.Second)
		for r.Stats().PacketsDecoded < n {
			if time.Now().After(deadline) {
				t.Fatalf("decoded %d, want %d", r.Stats().PacketsDecoded, n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	send(10)
	decodedAtLeast(10)
	r.SetOutput(second)
	send(10)
	decodedAtLeast(20)
	second.Close()
	send(5)
	close(tr.pkts)
	if err := <-done; err != nil {
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
	before := goroutines()
	ctx, cancel := context.WithCancel(context.Background())
	r, err := NewAudioReceiver(newChanTrack(0), AudioConfig{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	waitGoroutines(t, before)
}

func TestNewAudioReceiverRejectsChannels(t *testing.T) {
	var ce *audio.ChannelsError
	if _, err := NewAudioReceiver(newChanTrack(0), AudioConfig{Channels: 6}); !errors.As(err, &ce) {
		t.Fatalf("err %v, want *audio.ChannelsError", err)
	}
}

func TestAudioStereoOutput(t *testing.T) {
	enc := newToneEncoder(t, 440)
	tr := newChanTrack(10)
	for i := 0; i < 10; i++ {
		p, err := enc.next()
		if err != nil {
			t.Fatal(err)
		}
		tr.pkts <- p
	}
	close(tr.pkts)
	var out audio.Discard
	r, err := NewAudioReceiver(tr, AudioConfig{Output: &out, Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if out.Frames() != 10*960 {
		t.Errorf("output got %d frames, want %d", out.Frames(), 10*960)
	}
}
