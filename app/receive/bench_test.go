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
			snd := newVP8SenderRate(b, tc.w, tc.h, tc.bitRate)
			var pkts []*rtp.Packet
			var bytes int
			const n = 60
			for i := 0; i < n; i++ {
				p, err := snd.next()
				if err != nil {
					b.Fatal(err)
				}
				for _, q := range p {
					bytes += len(q.Payload)
				}
				pkts = append(pkts, p...)
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
			b.ReportAllocs()
			b.ResetTimer()
			if err := r.Run(ctx); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
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
	enc := newToneEncoder(b, 440)
	var pkts []*rtp.Packet
	for i := 0; i < 50; i++ {
		p, err := enc.next()
		if err != nil {
			b.Fatal(err)
		}
		pkts = append(pkts, p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr := &countingTrack{loopTrack: loopTrack{pkts: pkts, seq: pkts[0].SequenceNumber, step: 50 * 960}, stopAfter: b.N, stop: cancel}
	r, err := NewAudioReceiver(tr, AudioConfig{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := r.Run(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if st := r.Stats(); st.DecodeErrors != 0 {
		b.Fatalf("stats %+v", st)
	}
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
