// Package fanout is the one subscriber list: the engine's event
// subscribers, the frame fan-out and a camera's previews all use it.
package fanout

import (
	"sync"
	"sync/atomic"
)

// List is a set of subscribers, safe for concurrent use. Each reads an
// immutable snapshot without locking or allocating, so the frame path
// pays nothing for it, and a subscriber may remove itself (or add
// another) from inside the call. The zero value is an empty list.
type List[T any] struct {
	mu   sync.Mutex // serialises Add and remove
	next int
	subs atomic.Pointer[[]entry[T]]
}

type entry[T any] struct {
	id int
	v  T
}

// Add subscribes v and returns the function that removes it; calling that
// again does nothing.
func (l *List[T]) Add(v T) (remove func()) {
	l.mu.Lock()
	id := l.next
	l.next++
	l.store(append(l.load(), entry[T]{id, v}))
	l.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			old := l.load()
			kept := make([]entry[T], 0, len(old))
			for _, e := range old {
				if e.id != id {
					kept = append(kept, e)
				}
			}
			l.store(kept)
		})
	}
}

// Each calls fn for every subscriber, in the order they were added.
func (l *List[T]) Each(fn func(T)) {
	for _, e := range l.load() {
		fn(e.v)
	}
}

// Len is the number of subscribers.
func (l *List[T]) Len() int { return len(l.load()) }

func (l *List[T]) load() []entry[T] {
	if p := l.subs.Load(); p != nil {
		return *p
	}
	return nil
}

// store publishes s. A published array is never written again, so a
// snapshot being read stays whole: the capacity is clipped, and the next
// append copies.
func (l *List[T]) store(s []entry[T]) {
	s = s[:len(s):len(s)] // the next append copies instead of writing into a published array
	l.subs.Store(&s)
}
