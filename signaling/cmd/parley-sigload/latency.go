package main

import (
	"sync/atomic"
	"time"
)

// histogram records latencies in 10 µs buckets up to 100 ms (and one
// overflow bucket) with atomic counters, so 10,000 reader goroutines can
// record without a lock.
type histogram struct {
	buckets [10001]atomic.Int64
}

const bucketWidth = 10 * time.Microsecond

func (h *histogram) record(d time.Duration) {
	i := int(d / bucketWidth)
	if i < 0 {
		i = 0
	}
	if i >= len(h.buckets) {
		i = len(h.buckets) - 1
	}
	h.buckets[i].Add(1)
}

func (h *histogram) count() int64 {
	var n int64
	for i := range h.buckets {
		n += h.buckets[i].Load()
	}
	return n
}

// quantile returns the upper edge of the bucket holding quantile q.
func (h *histogram) quantile(q float64) time.Duration {
	total := h.count()
	if total == 0 {
		return 0
	}
	want := int64(q*float64(total) + 0.5)
	if want < 1 {
		want = 1
	}
	var seen int64
	for i := range h.buckets {
		seen += h.buckets[i].Load()
		if seen >= want {
			return time.Duration(i+1) * bucketWidth
		}
	}
	return time.Duration(len(h.buckets)) * bucketWidth
}
