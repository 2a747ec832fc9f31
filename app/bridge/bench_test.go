package bridge

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/testmedia"
)

// benchDelivery measures a frame's way from WriteFrame to a page that has
// read the whole message over loopback: copy, header, WebSocket framing and
// the kernel's socket path. The page first sends msgs (formats, views).
func benchDelivery(b *testing.B, f *frames.Frame, msgs ...string) {
	br := newTestBridge(b)
	c := connect(b, br)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, m := range msgs {
		sendView(b, c, m)
	}
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
	// The page's messages apply asynchronously: wait for one frame sent
	// after them.
	time.Sleep(50 * time.Millisecond)
	var seq0 uint32
	br.WriteFrame(frames.Remote, f)
	for seq0 = range got {
		break
	}
	b.ResetTimer()
	for i := int(seq0) + 1; i <= int(seq0)+b.N; i++ {
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

func BenchmarkDeliver720p(b *testing.B)  { benchDelivery(b, testFrame(1280, 720, 1)) }
func BenchmarkDeliver1080p(b *testing.B) { benchDelivery(b, testFrame(1920, 1080, 1)) }

// BenchmarkDeliverJPEG is the window's usual case: the test camera's 720p
// picture, scaled to a 976-pixel pane and compressed for a page that draws
// JPEG.
func BenchmarkDeliverJPEG(b *testing.B) {
	g, err := testmedia.NewGenerator(testmedia.CameraAID, 1280, 720)
	if err != nil {
		b.Fatal(err)
	}
	img := g.Frame(1, time.Now())
	f := &frames.Frame{Width: 1280, Height: 720, Y: img.Y, U: img.Cb, V: img.Cr}
	benchDelivery(b, f, `{"formats":["jpeg"]}`, `{"stream":1,"width":976,"height":549}`)
}

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
