package turnserver

import (
	"net"
	"sync"
)

// quota counts live allocations per TURN username, so one leaked or
// abused credential cannot take every relay port. The check and the count
// are separate pion callbacks, so concurrent Allocate requests from one
// user can overshoot the limit by the number in flight; the limit is a
// guard against exhaustion, not an exact tariff.
type quota struct {
	max int

	mu   sync.Mutex
	live map[string]int
}

func newQuota(max int) *quota {
	return &quota{max: max, live: make(map[string]int)}
}

// allow is pion's QuotaHandler.
func (q *quota) allow(username, _ string, _ net.Addr) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.live[username] < q.max
}

func (q *quota) created(_, _ net.Addr, _, username, _ string, _ net.Addr, _ int) {
	q.mu.Lock()
	q.live[username]++
	q.mu.Unlock()
}

func (q *quota) deleted(_, _ net.Addr, _, username, _ string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.live[username] <= 1 {
		delete(q.live, username)
		return
	}
	q.live[username]--
}
