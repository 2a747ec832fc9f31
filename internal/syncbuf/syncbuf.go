// Package syncbuf provides a byte buffer that one goroutine may write while
// another reads it: the output of a process or a peer running beside a
// test or a benchmark that polls what it has printed so far.
package syncbuf

import (
	"bytes"
	"sync"
)

// Buffer is an io.Writer whose String may be called at any time. The zero
// value is ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
