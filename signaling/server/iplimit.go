package server

import "sync"

// ipLimiter counts open connections per remote address. It is checked before
// the WebSocket upgrade, so a refused client costs one HTTP response.
type ipLimiter struct {
	max   int // < 0: unlimited
	mu    sync.Mutex
	count map[string]int
}

func newIPLimiter(max int) *ipLimiter {
	return &ipLimiter{max: max, count: make(map[string]int)}
}

func (l *ipLimiter) acquire(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.max >= 0 && l.count[ip] >= l.max {
		return false
	}
	l.count[ip]++
	return true
}

func (l *ipLimiter) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.count[ip]--; l.count[ip] <= 0 {
		delete(l.count, ip)
	}
}
