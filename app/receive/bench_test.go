package receive

import (
	"context"
	"fmt"
	"testing"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"

	"github.com/parleyhq/parley/app/frames"
)

// loopTrack replays a recorded packet sequence forever, renumbering it so
// that it reads as one continuous stream.
type loopTrack struct {
	pkts     []*rtp.Packet
	i        int
	seq      uint16
	ts, step uint32 // timestamp offset per loop
}

func (l *loopTrack) ReadRTP() (*rtp.Packet, interceptor.Attributes, error) {
	src := l.pkts[l.i]
	p := &rtp.Packet{Header: src.Header, Payload: src.Payload}
	p.SequenceNumber = l.seq
	p.Timestamp = src.Timestamp + l.ts
	l.seq++
	l.i++
	if l.i == len(l.pkts) {
		l.i = 0
		l.ts += l.step
	}
	return p, nil, nil
}

// BenchmarkVideoReceive measures the whole receive path per frame:
// rebuilding the frame from packets, libvpx decoding, and handing the
// picture to a sink. The stream is 60 frames of noisy synthetic video with
// one keyframe, at a bitrate typical for the size.
func BenchmarkVideoReceive(b *testing.B) {
	for _, tc := range []struct {
		name          string
		w, h, bitRate int
	}{{"480p", 640, 480, 1_000_000}, {"720p", 1280, 720, 2_500_000}} {
		b.Run(tc.name, func(b *testing.B) {
			const n = 60
			pkts := newVP8SenderRate(b, tc.w, tc.h, tc.bitRate).packets(b, n)
			var bytes int
			for _, p := range pkts {
				bytes += len(p.Payload)
			}
			tr := &loopTrack{pkts: pkts, seq: pkts[0].SequenceNumber, step: n * vp8ClockRate / 30}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			count := 0
			sink := frames.SinkFunc(func(_ frames.Stream, f *frames.Frame) {
				if f.Width != tc.w {
					panic(fmt.Sprintf("width %d", f.Width))
				}
				count++
				if count == b.N {
					cancel()
				}
			})
			r, err := NewVideoReceiver(tr, VideoConfig{Sink: sink})
			if err != nil {
				b.Fatal(err)
			}
			timeRun(b, ctx, r.Run)
			if st := r.Stats(); st.DecodeErrors != 0 || st.FramesSkipped != 0 {
				b.Fatalf("stats %+v", st)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/frame")
			b.ReportMetric(float64(bytes)*8*30/n/1000, "kbit/s")
		})
	}
}

// BenchmarkAudioReceive measures decoding one 20 ms Opus packet and
// feeding the tone meter.
func BenchmarkAudioReceive(b *testing.B) {
	pkts := newToneEncoder(b, 440).packets(b, 50)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr := &countingTrack{loopTrack: loopTrack{pkts: pkts, seq: pkts[0].SequenceNumber, step: 50 * 960}, stopAfter: b.N, stop: cancel}
	r, err := NewAudioReceiver(tr, AudioConfig{})
	if err != nil {
		b.Fatal(err)
	}
	timeRun(b, ctx, r.Run)
	if st := r.Stats(); st.DecodeErrors != 0 {
		b.Fatalf("stats %+v", st)
	}
}

// timeRun times one Run of a receiver over a looping track; the track or
// the sink cancels ctx once b.N frames or packets have gone through.
func timeRun(b *testing.B, ctx context.Context, run func(context.Context) error) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	if err := run(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
}

// countingTrack cancels the benchmark's context after stopAfter packets.
type countingTrack struct {
	loopTrack
	n, stopAfter int
	stop         func()
}

func (c *countingTrack) ReadRTP() (*rtp.Packet, interceptor.Attributes, error) {
	c.n++
	if c.n == c.stopAfter+1 {
		c.stop()
	}
	return c.loopTrack.ReadRTP()
}
