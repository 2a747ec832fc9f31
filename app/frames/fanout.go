package frames

import "github.com/parleyhq/parley/internal/fanout"

// Fanout is a Sink that passes each frame to every subscribed sink. The
// engine owns one for everything it shows (the view bridge, the stats
// counter and tests subscribe); a camera owns one for its previews. A sink
// may unsubscribe itself from inside WriteFrame.
type Fanout struct {
	sinks fanout.List[Sink]
}

// Subscribe adds s and returns a function that removes it.
func (f *Fanout) Subscribe(s Sink) (unsubscribe func()) { return f.sinks.Add(s) }

// WriteFrame passes fr to every subscriber in turn.
func (f *Fanout) WriteFrame(s Stream, fr *Frame) {
	f.sinks.Each(func(sink Sink) { sink.WriteFrame(s, fr) })
}

// Len is the number of subscribers.
func (f *Fanout) Len() int { return f.sinks.Len() }
