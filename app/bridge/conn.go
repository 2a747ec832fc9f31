package bridge

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/parleyhq/parley/app/frames"
)

// pending is one accepted frame, shared read-only by the connections it
// was offered to.
//
// Its body is recycled: a 720p picture is 1.4 MB, and making one per frame
// meant zeroing it and collecting it again 30 times a second, most of the
// window's garbage. WriteFrame holds a reference while it offers the frame,
// each connection holds one from offer until it has written the frame or
// a newer one replaced it, and the last release returns the body to its
// stream's pool. A connection that ends with a frame still pending simply
// drops it: the collector takes that one.
type pending struct {
	hdr  Header
	body []byte
	refs atomic.Int32
}

// bodies holds released frame bodies, one pool per stream so that a
// preview-sized body is not offered for a full-sized picture.
var bodies [3]sync.Pool // of *[]byte, by frames.Stream

// newPending returns a frame with one reference (the caller's) and a body
// of hdr's payload size, recycled when one is free. Its contents are
// whatever the last frame left: the caller overwrites all of it.
func newPending(hdr Header) *pending {
	n := hdr.PayloadSize()
	p := &pending{hdr: hdr}
	if b, ok := bodies[hdr.Stream].Get().(*[]byte); ok && cap(*b) >= n {
		p.body = (*b)[:n]
	} else {
		p.body = make([]byte, n)
	}
	p.refs.Store(1)
	return p
}

func (p *pending) hold() { p.refs.Add(1) }

// release drops a reference; the last one recycles the body.
func (p *pending) release() {
	if p.refs.Add(-1) == 0 {
		b := p.body
		p.body = nil
		bodies[p.hdr.Stream].Put(&b)
	}
}

// conn is one connected page: at most one pending frame per stream.
type conn struct {
	ws *websocket.Conn
	b  *Bridge

	mu      sync.Mutex
	pending [3]*pending // by frames.Stream
	view    [3]View     // by frames.Stream: the page's last View; zero until it sends one
	wake    chan struct{}

	hbuf [HeaderSize]byte
}

func newConn(ws *websocket.Conn, b *Bridge) *conn {
	return &conn{ws: ws, b: b, wake: make(chan struct{}, 1)}
}

// sizeFor returns the size to send a w×h frame of stream s at to this
// page (see sendSize), or 0×0 if the page shows no pane of it.
func (c *conn) sizeFor(s frames.Stream, w, h int) (int, int) {
	c.mu.Lock()
	v := c.view[s]
	c.mu.Unlock()
	switch {
	case v.Stream == 0: // no view yet: full size
		return w, h
	case v.Width == 0: // shown nowhere
		return 0, 0
	}
	return sendSize(w, h, v.Width, v.Height)
}

// read applies the page's view messages until the connection ends. A
// malformed one closes the connection with the reason: only a broken page
// sends one, and it reconnects.
func (c *conn) read(ctx context.Context) error {
	c.ws.SetReadLimit(MaxViewMessage)
	for {
		typ, msg, err := c.ws.Read(ctx)
		if err != nil {
			return err
		}
		var v View
		if typ != websocket.MessageText {
			err = &ViewError{"binary message"}
		} else {
			v, err = ParseView(msg)
		}
		if err != nil {
			c.ws.Close(websocket.StatusUnsupportedData, truncate(err.Error(), 120))
			return err
		}
		c.mu.Lock()
		c.view[v.Stream] = v
		if v.Width == 0 {
			c.pending[v.Stream] = nil
		}
		c.mu.Unlock()
	}
}

// truncate keeps a close reason within the 123 bytes a close frame allows.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// offer makes p the frame to send next for its stream, holding a reference
// to it, and reports whether it replaced one that was never sent.
func (c *conn) offer(p *pending) (replaced bool) {
	p.hold()
	c.mu.Lock()
	old := c.pending[p.hdr.Stream]
	c.pending[p.hdr.Stream] = p
	c.mu.Unlock()
	if old != nil {
		old.release()
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return old != nil
}

func (c *conn) take(s frames.Stream) *pending {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.pending[s]
	c.pending[s] = nil
	return p
}

// run writes pending frames until ctx ends (nil error) or a write fails.
func (c *conn) run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-c.wake:
		}
		for _, s := range [...]frames.Stream{frames.Remote, frames.Local} {
			p := c.take(s)
			if p == nil {
				continue
			}
			err := c.write(ctx, p)
			p.release()
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			c.b.stats[s].sent.Add(1)
		}
	}
}

// write sends p as one binary message. The header is written per connection
// because it carries the send time; the planes are shared.
func (c *conn) write(ctx context.Context, p *pending) error {
	ctx, cancel := context.WithTimeout(ctx, c.b.writeTimeout)
	defer cancel()
	h := p.hdr
	h.Sent = time.Now().UnixMicro()
	h.put(c.hbuf[:])
	w, err := c.ws.Writer(ctx, websocket.MessageBinary)
	if err != nil {
		return err
	}
	if _, err := w.Write(c.hbuf[:]); err != nil {
		w.Close()
		return err
	}
	if _, err := w.Write(p.body); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
