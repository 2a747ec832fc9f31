package frames

import "sync"

// Fanout is a Sink that passes each frame to every subscribed sink. The
// engine owns one; the view bridge, the stats counter and tests subscribe.
type Fanout struct {
	mu    sync.RWMutex
	next  int
	sinks map[int]Sink
}

// Subscribe adds s and returns a function that removes it.
func (f *Fanout) Subscribe(s Sink) (unsubscribe func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sinks == nil {
		f.sinks = make(map[int]Sink)
	}
	id := f.next
	f.next++
	f.sinks[id] = s
	return func() {
		f.mu.Lock()
		delete(f.sinks, id)
		f.mu.Unlock()
	}
}

// WriteFrame passes fr to every subscriber in turn.
func (f *Fanout) WriteFrame(s Stream, fr *Frame) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, sink := range f.sinks {
		sink.WriteFrame(s, fr)
	}
}
