package hub

import (
	"math/bits"
	"sync"
	"sync/atomic"
)

// Buffer holds one stamped message on its way to a peer, in memory the hub
// recycles (a WebSocket frame, not a picture: those are app/frames). Relaying used to
// allocate a new buffer for every stamped frame (8 KB for an offer), and at
// 20,000 frames/s with 10,000 users that garbage made the server collect
// every 1.3 s, each cycle holding frames for tens of milliseconds. A Buffer
// goes back to the hub's pool once written instead.
//
// A Buffer has one owner at a time: the hub until it hands the Buffer to
// Peer.SendOwned, then the peer, which must call Release exactly once,
// after the last use of Bytes.
type Buffer struct {
	buf  []byte
	pool *bufferPool
}

// Bytes returns the message. They are valid until Release.
func (f *Buffer) Bytes() []byte { return f.buf }

// Release gives the buffer back for reuse.
func (f *Buffer) Release() {
	p := f.pool
	p.outstanding.Add(-1)
	// A buffer goes back in the class its capacity fills, so a class only
	// holds buffers at least as big as it promises.
	if c := bits.Len(uint(cap(f.buf))>>minBufferShift) - 1; c >= 0 && c < bufferClasses {
		f.buf = f.buf[:0]
		p.classes[c].Put(f)
	}
}

// Buffers come in power-of-two classes from 512 bytes up to 128 KiB,
// which holds the largest frame a client may send (64 KiB) stamped. Classes
// keep a candidate (about 400 bytes) from holding an offer-sized buffer
// while it waits in a queue, which the per-client byte bound does not see.
const (
	minBufferShift = 9
	bufferClasses  = 9
)

// bufferPool recycles Buffers. The zero value is ready.
type bufferPool struct {
	classes     [bufferClasses]sync.Pool
	outstanding atomic.Int64 // frames taken and not yet released
}

// get returns an empty Buffer whose buffer holds at least size bytes.
func (p *bufferPool) get(size int) *Buffer {
	p.outstanding.Add(1)
	c := 0
	if size > 1<<minBufferShift {
		c = bits.Len(uint(size-1)) - minBufferShift
	}
	if c >= bufferClasses {
		return &Buffer{buf: make([]byte, 0, size), pool: p} // not recycled: bigger than any class
	}
	if f, ok := p.classes[c].Get().(*Buffer); ok {
		return f
	}
	return &Buffer{buf: make([]byte, 0, 1<<(minBufferShift+c)), pool: p}
}

// FramesOutstanding returns how many relayed frames are in peers' hands,
// not yet released: frames waiting in send queues or being written. It
// returns to zero when the server is idle, unless a peer leaks frames.
// Only tests call it, but signaling/server's tests among them, so it cannot
// live in this package's export_test.go.
func (h *Hub) FramesOutstanding() int64 {
	return h.frames.outstanding.Load()
}
