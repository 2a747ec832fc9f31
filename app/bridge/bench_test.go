package bridge

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/parleyhq/parley/app/frames"
)

// benchDelivery measures a frame's way from WriteFrame to a page that has
// read the whole message over loopback: copy, header, WebSocket framing and
// the kernel's socket path.
func benchDelivery(b *testing.B, w, h int) {
	br := newTestBridge(b)
	c := connect(b, br)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan uint32, 1)
	go func() {
		for {
			_, msg, err := c.Read(ctx)
			if err != nil {
				close(got)
				return
			}
			got <- binary.LittleEndian.Uint32(msg[8:])
		}
	}()
	f := testFrame(w, h, 1)
	b.SetBytes(int64(HeaderSize + len(f.Y) + 2*len(f.U)))
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		br.WriteFrame(frames.Remote, f)
		for seq := range got {
			if seq == uint32(i) {
				break
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	c.CloseNow()
	for range got {
	}
}

func BenchmarkDeliver720p(b *testing.B)  { benchDelivery(b, 1280, 720) }
func BenchmarkDeliver1080p(b *testing.B) { benchDelivery(b, 1920, 1080) }

// BenchmarkAccept1080p measures the producer's cost: what WriteFrame takes
// on the media path while a page is connected.
func BenchmarkAccept1080p(b *testing.B) {
	br := newTestBridge(b)
	connect(b, br)
	f := testFrame(1920, 1080, 1)
	b.SetBytes(int64(len(f.Y) + 2*len(f.U)))
	for b.Loop() {
		br.WriteFrame(frames.Remote, f)
	}
}
