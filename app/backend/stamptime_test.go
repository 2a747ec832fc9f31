package backend

import (
	"testing"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/stamp"
)

func TestStampTimesUsesTheSendersCaptureTime(t *testing.T) {
	const w, h = 640, 360
	newFrame := func() *frames.Frame {
		f := &frames.Frame{Width: w, Height: h, Y: make([]byte, w*h), U: make([]byte, w*h/4), V: make([]byte, w*h/4)}
		for i := range f.Y {
			f.Y[i] = 128
		}
		f.Captured = time.Now()
		return f
	}
	var got []time.Time
	sink := stampTimes{next: frames.SinkFunc(func(_ frames.Stream, f *frames.Frame) { got = append(got, f.Captured) })}

	sent := time.UnixMilli(time.Now().Add(-80 * time.Millisecond).UnixMilli())
	stamped := newFrame()
	if err := stamp.Encode(stamped.Y, w, h, w, stamp.Code{Camera: 1, Seq: 7, CapturedMS: sent.UnixMilli()}); err != nil {
		t.Fatal(err)
	}
	decodedAt := stamped.Captured
	sink.WriteFrame(frames.Remote, stamped)
	plain := newFrame()
	sink.WriteFrame(frames.Remote, plain)
	sink.WriteFrame(frames.Local, stamped) // the preview keeps its own capture time

	if !got[0].Equal(sent) {
		t.Errorf("stamped remote frame timed %v, want the stamp's %v", got[0], sent)
	}
	if !stamped.Captured.Equal(decodedAt) {
		t.Error("the engine's frame was modified; the other sinks share it")
	}
	if !got[1].Equal(plain.Captured) || !got[2].Equal(stamped.Captured) {
		t.Errorf("unstamped or local frames retimed: %v, %v", got[1], got[2])
	}
}
