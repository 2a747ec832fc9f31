package main

import (
	"sync/atomic"
	"time"
)

// histogram records latencies with atomic counters, so 10,000 reader
// goroutines can record without a lock: 10 µs buckets up to 100 ms, where
// the targets are, then 1 ms buckets up to 10 s, then one overflow bucket.
type histogram struct {
	fine   [10000]atomic.Int64 // [i*10µs, (i+1)*10µs)
	coarse [9901]atomic.Int64  // [100ms + i*1ms, …); the last one is everything above
}

const (
	fineWidth   = 10 * time.Microsecond
	coarseWidth = time.Millisecond
	fineRange   = 100 * time.Millisecond
)

func (h *histogram) record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	if d < fineRange {
		h.fine[d/fineWidth].Add(1)
		return
	}
	i := int((d - fineRange) / coarseWidth)
	if i >= len(h.coarse) {
		i = len(h.coarse) - 1
	}
	h.coarse[i].Add(1)
}

func (h *histogram) count() int64 {
	var n int64
	for i := range h.fine {
		n += h.fine[i].Load()
	}
	for i := range h.coarse {
		n += h.coarse[i].Load()
	}
	return n
}

// quantile returns the upper edge of the bucket holding quantile q.
func (h *histogram) quantile(q float64) time.Duration {
	total := h.count()
	if total == 0 {
		return 0
	}
	want := max(int64(q*float64(total)+0.5), 1)
	var seen int64
	for i := range h.fine {
		if seen += h.fine[i].Load(); seen >= want {
			return time.Duration(i+1) * fineWidth
		}
	}
	for i := range h.coarse {
		if seen += h.coarse[i].Load(); seen >= want {
			return fineRange + time.Duration(i+1)*coarseWidth
		}
	}
	return fineRange + time.Duration(len(h.coarse))*coarseWidth
}
