package backend

import (
	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/stamp"
)

// stampTimes is the frame sink in front of the bridge when
// Options.StampLatency is set: a remote picture that carries a test
// camera's stamp (app/media/stamp; Parley's test cameras and the
// benchmark's Chromium canvas camera draw it) is passed on with the
// sender's capture time instead of its decode time. The page measures
// latency from that field, so its report becomes glass to glass (sender
// capture → drawn in this window), which is the figure benchmarks compare
// with Chromium's. Frames without a readable stamp pass unchanged.
type stampTimes struct{ next frames.Sink }

func (s stampTimes) WriteFrame(st frames.Stream, f *frames.Frame) {
	if st == frames.Remote {
		if c, ok := stamp.Decode(f.Y, f.Width, f.Height, f.Width); ok {
			g := *f
			g.Captured = c.Captured()
			f = &g
		}
	}
	s.next.WriteFrame(st, f)
}
