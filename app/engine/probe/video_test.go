package probe

import (
	"testing"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/stamp"
)

func stamped(t *testing.T, camera uint8, seq uint32, at time.Time) *frames.Frame {
	t.Helper()
	w, h := 320, 240
	f := &frames.Frame{Width: w, Height: h, Y: make([]byte, w*h), U: make([]byte, w*h/4), V: make([]byte, w*h/4)}
	if err := stamp.Encode(f.Y, w, h, w, stamp.Code{Camera: camera, Seq: seq, CapturedMS: at.UnixMilli()}); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestVideoCountsDeliveryAndCameras(t *testing.T) {
	var p Video
	now := time.Now()
	for _, seq := range []uint32{10, 11, 13, 14} { // 12 was lost
		p.WriteFrame(frames.Remote, stamped(t, 1, seq, now.Add(-40*time.Millisecond)))
	}
	p.WriteFrame(frames.Remote, stamped(t, 2, 500, now))
	p.WriteFrame(frames.Local, stamped(t, 9, 1, now))
	blank := &frames.Frame{Width: 320, Height: 240, Y: make([]byte, 320*240)}
	p.WriteFrame(frames.Remote, blank)

	r := p.Report()
	if r.LocalFrames != 1 || r.RemoteFrames != 6 || r.StampedFrames != 5 {
		t.Errorf("counts %+v", r)
	}
	if r.LastCamera != 2 || len(r.Cameras) != 2 || r.Cameras[0] != 1 || r.Cameras[1] != 2 {
		t.Errorf("cameras %+v", r)
	}
	if decoded, sent := p.Delivery(1); decoded != 4 || sent != 5 {
		t.Errorf("delivery %d of %d, want 4 of 5", decoded, sent)
	}
	if decoded, sent := p.Delivery(7); decoded != 0 || sent != 0 {
		t.Errorf("unknown camera: %d of %d", decoded, sent)
	}
	p50, p95, n := p.Latency()
	if n != 5 || p50 < 30*time.Millisecond || p95 < p50 {
		t.Errorf("latency p50 %v p95 %v n %d", p50, p95, n)
	}
}
