package backend

import (
	"context"
	"log/slog"
)

// eventQueue decouples the engine's loop from the Emitter: the engine must
// never wait for the window. Events keep their order; if the window stalls
// long enough to fill the queue, statistics and level readings are dropped
// first (the next second brings fresh ones), and anything else waits.
type eventQueue struct {
	ctx context.Context // pushes stop waiting when the App stops
	em  Emitter
	log *slog.Logger
	ch  chan event
}

type event struct {
	name    string
	payload any
}

// queueSize holds several seconds of every event at their normal rates.
const queueSize = 1024

func newEventQueue(ctx context.Context, em Emitter, log *slog.Logger) *eventQueue {
	return &eventQueue{ctx: ctx, em: em, log: log, ch: make(chan event, queueSize)}
}

// droppable events are periodic: losing one costs nothing.
func droppable(name string) bool {
	return name == "stats" || name == EventLevel
}

func (q *eventQueue) push(name string, payload any) {
	ev := event{name, payload}
	if droppable(name) {
		select {
		case q.ch <- ev:
		default:
			q.log.Debug("event dropped: window is not keeping up", "event", name)
		}
		return
	}
	select {
	case q.ch <- ev:
	case <-q.ctx.Done():
	}
}

func (q *eventQueue) run() {
	for {
		select {
		case <-q.ctx.Done():
			return
		case ev := <-q.ch:
			q.em.Emit(ev.name, ev.payload)
		}
	}
}
