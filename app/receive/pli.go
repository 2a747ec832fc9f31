package receive

import (
	"sync"
	"time"
)

// pliInterval is the least time between two keyframe requests. A keyframe
// costs the sender several times a normal frame's bits; asking again before
// the answer to the last request could arrive only floods the link.
const pliInterval = 500 * time.Millisecond

// keyFrameRequester calls send at most once per interval.
type keyFrameRequester struct {
	send     func()
	interval time.Duration
	now      func() time.Time

	mu   sync.Mutex
	last time.Time
	sent uint64
}

func newKeyFrameRequester(send func(), interval time.Duration) *keyFrameRequester {
	return &keyFrameRequester{send: send, interval: interval, now: time.Now}
}

// request asks for a keyframe unless one was asked for within the interval.
// It reports whether a request went out.
func (k *keyFrameRequester) request() bool {
	if k.send == nil {
		return false
	}
	k.mu.Lock()
	now := k.now()
	if k.sent > 0 && now.Sub(k.last) < k.interval {
		k.mu.Unlock()
		return false
	}
	k.last = now
	k.sent++
	k.mu.Unlock()
	k.send()
	return true
}
