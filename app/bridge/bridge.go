package bridge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/yuv"
)

// DefaultOrigins are the pages allowed to connect when Config.Origins is nil:
// the Wails web view on Linux and macOS, on Windows, and the Wails dev server.
var DefaultOrigins = []string{
	"wails://wails",
	"http://wails.localhost",
	"http://127.0.0.1:34115",
	"http://localhost:34115",
}

// Config configures a Bridge. The zero value is ready to use.
type Config struct {
	// Origins lists the exact Origin header values (scheme://host[:port])
	// allowed to connect. Nil means DefaultOrigins.
	Origins []string
	// WriteTimeout bounds the write of one frame. A page that stops reading
	// for longer is disconnected (it reconnects when it recovers). Zero means
	// 10 seconds.
	WriteTimeout time.Duration
}

// StreamStats counts what happened to one stream's frames.
type StreamStats struct {
	Accepted uint64 // frames copied for at least one connected page
	Sent     uint64 // frame messages written, summed over pages
	Dropped  uint64 // pending frames replaced by a newer one before they were written
	Rejected uint64 // frames with an unknown stream or inconsistent planes
}

type counters struct{ accepted, sent, dropped, rejected atomic.Uint64 }

// Bridge serves frames to the web view over a loopback WebSocket. It is a
// frames.Sink: subscribe it to the engine's Fanout.
type Bridge struct {
	token        string
	origins      map[string]bool
	writeTimeout time.Duration
	ln           net.Listener
	srv          *http.Server
	ctx          context.Context
	cancel       context.CancelFunc
	wg           sync.WaitGroup

	mu     sync.Mutex
	closed bool
	conns  map[*conn]struct{}
	seq    [3]uint32 // by frames.Stream

	stats [3]counters // by frames.Stream
}

// New starts a bridge listening on 127.0.0.1 on a random port.
func New(cfg Config) (*Bridge, error) {
	origins := cfg.Origins
	if origins == nil {
		origins = DefaultOrigins
	}
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" || u.RawQuery != "" {
			return nil, fmt.Errorf("bridge: origin %q is not scheme://host[:port]", o)
		}
		allowed[o] = true
	}
	wt := cfg.WriteTimeout
	if wt <= 0 {
		wt = 10 * time.Second
	}
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("bridge: token: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bridge: listen: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &Bridge{
		token:        hex.EncodeToString(raw[:]),
		origins:      allowed,
		writeTimeout: wt,
		ln:           ln,
		ctx:          ctx,
		cancel:       cancel,
		conns:        make(map[*conn]struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/frames", b.serveFrames)
	b.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		// Serve returns ErrServerClosed after Close; nothing else can stop it.
		_ = b.srv.Serve(ln)
	}()
	return b, nil
}

// URL returns the address the page connects to, token included. Hand it to
// the page only (the UI contract's FrameBridgeURL), never log it.
func (b *Bridge) URL() string {
	return "ws://" + b.ln.Addr().String() + "/frames?token=" + b.token
}

// Stats returns the counters of stream s.
func (b *Bridge) Stats(s frames.Stream) StreamStats {
	if !validStream(s) {
		return StreamStats{}
	}
	c := &b.stats[s]
	return StreamStats{
		Accepted: c.accepted.Load(),
		Sent:     c.sent.Load(),
		Dropped:  c.dropped.Load(),
		Rejected: c.rejected.Load(),
	}
}

// Close disconnects every page, stops the server and waits for all of the
// bridge's goroutines to end.
func (b *Bridge) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	b.cancel()
	err := b.srv.Close()
	b.wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func validStream(s frames.Stream) bool { return s == frames.Remote || s == frames.Local }

// WriteFrame implements frames.Sink. It copies f (the producer reuses its
// buffers) once per size the connected pages want it at, scaled for pages
// that show it smaller than it is, and never blocks on the network. With
// no page connected, or none showing the stream, it does nothing, so an
// engine without a window pays no copy.
func (b *Bridge) WriteFrame(s frames.Stream, f *frames.Frame) {
	if !validStream(s) {
		return
	}
	if !wellFormed(f) {
		b.stats[s].rejected.Add(1)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	seq := b.seq[s] + 1
	var buf [4]sized // pages rarely differ, so a few sizes at most
	made := buf[:0]
	for c := range b.conns {
		w, h := c.sizeFor(s, f.Width, f.Height)
		if w == 0 {
			continue
		}
		i := slices.IndexFunc(made, func(m sized) bool { return m.w == w && m.h == h })
		if i < 0 {
			p, err := prepare(s, f, w, h, seq)
			if err != nil {
				b.stats[s].rejected.Add(1)
				continue
			}
			made = append(made, sized{w, h, p})
			i = len(made) - 1
		}
		if c.offer(made[i].p) {
			b.stats[s].dropped.Add(1)
		}
	}
	for _, m := range made {
		m.p.release() // WriteFrame's own reference
	}
	if len(made) > 0 {
		b.seq[s] = seq
		b.stats[s].accepted.Add(1)
	}
}

// sized is one copy of a frame WriteFrame made, by its size.
type sized struct {
	w, h int
	p    *pending
}

// prepare copies f, at w×h, into a frame message body; the caller holds
// its one reference. It fails only if scaling does, which wellFormed and
// sendSize rule out.
func prepare(s frames.Stream, f *frames.Frame, w, h int, seq uint32) (*pending, error) {
	p := newPending(Header{Stream: s, Format: FormatI420, Seq: seq, Width: w, Height: h, Captured: micros(f.Captured)})
	dst := packed(p.body, w, h)
	if w == f.Width && h == f.Height {
		copy(dst.Y, f.Y)
		copy(dst.U, f.U)
		copy(dst.V, f.V)
	} else if err := yuv.Scale(dst, f); err != nil {
		p.release()
		return nil, err
	}
	return p, nil
}

// packed views body, the payload of a w×h frame message, as the frame's
// three planes.
func packed(body []byte, w, h int) *frames.Frame {
	f := &frames.Frame{Width: w, Height: h}
	cw, ch := f.ChromaSize()
	n, c := w*h, cw*ch
	f.Y, f.U, f.V = body[:n:n], body[n:n+c:n+c], body[n+c:n+2*c:n+2*c]
	return f
}

// wellFormed reports whether f's planes hold the I420 picture its size
// announces, and that size is one a page accepts.
func wellFormed(f *frames.Frame) bool {
	return f != nil && f.Whole() && f.Width <= MaxDimension && f.Height <= MaxDimension
}
