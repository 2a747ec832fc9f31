package engine

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/parleyhq/parley/signaling/protocol"
)

// Conn is one signaling connection a Redialer dials; *client.Client
// satisfies it.
type Conn interface {
	Signaling
	Close() error
}

// Redialer is a Resumable built from a dial function: when its connection
// ends it reports reconnecting, dials again (same name: the dial function
// decides) with capped exponential backoff and jitter, and reports online
// once a new connection is registered. It is the engine's minimal
// reconnecting session for a plain signaling client; a client that resumes
// sessions itself can implement Resumable directly.
type Redialer struct {
	dial   func(context.Context) (Conn, error)
	msgs   chan *protocol.Message
	status chan SignalingStatus
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	cur   Conn // nil while reconnecting
	name  string
	users []string
	err   error
}

// Backoff bounds between redial attempts: the first retry waits about
// MinBackoff, each further one doubles it up to MaxBackoff, and every wait
// is jittered by ±50% so that the clients of a restarted server do not all
// come back in the same millisecond.
const (
	MinBackoff = 100 * time.Millisecond
	MaxBackoff = 5 * time.Second
)

// errOffline is what Send returns while the connection is down.
var errOffline = errors.New("signaling is reconnecting")

// Redial dials once (so that a wrong address or name fails at once) and
// returns a Redialer that keeps the connection up until ctx ends or Close.
func Redial(ctx context.Context, dial func(context.Context) (Conn, error)) (*Redialer, error) {
	first, err := dial(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &Redialer{
		dial:   dial,
		msgs:   make(chan *protocol.Message, 64),
		status: make(chan SignalingStatus, 4),
		cancel: cancel,
		done:   make(chan struct{}),
	}
	r.attach(first)
	go r.run(ctx, first)
	return r, nil
}

func (r *Redialer) attach(c Conn) {
	r.mu.Lock()
	r.cur, r.name, r.users = c, c.Name(), c.Users()
	r.mu.Unlock()
}

// run forwards the current connection's messages and redials when it ends.
func (r *Redialer) run(ctx context.Context, c Conn) {
	defer close(r.done)
	defer close(r.msgs)
	for {
		if !r.forward(ctx, c) {
			_ = c.Close()
			return
		}
		r.mu.Lock()
		r.cur, r.err = nil, c.Err()
		r.mu.Unlock()
		_ = c.Close()
		if !r.report(ctx, SignalingReconnecting) {
			return
		}
		next, ok := r.redial(ctx)
		if !ok {
			return
		}
		c = next
		r.attach(c)
		if !r.report(ctx, SignalingOnline) {
			_ = c.Close()
			return
		}
	}
}

// forward copies c's messages until c ends (true) or ctx does (false).
func (r *Redialer) forward(ctx context.Context, c Conn) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case m, ok := <-c.Messages():
			if !ok {
				return true
			}
			if m.Type == protocol.TypeUserlist || m.Type == protocol.TypeUserJoined || m.Type == protocol.TypeUserLeft ||
				m.Type == protocol.TypeRejectUsername {
				r.attach(c)
			}
			select {
			case r.msgs <- m:
			case <-ctx.Done():
				return false
			}
		}
	}
}

func (r *Redialer) redial(ctx context.Context) (Conn, bool) {
	wait := MinBackoff
	for {
		jittered := wait/2 + rand.N(wait)
		select {
		case <-ctx.Done():
			return nil, false
		case <-time.After(jittered):
		}
		c, err := r.dial(ctx)
		if err == nil {
			return c, true
		}
		r.mu.Lock()
		r.err = err
		r.mu.Unlock()
		wait = min(2*wait, MaxBackoff)
	}
}

func (r *Redialer) report(ctx context.Context, s SignalingStatus) bool {
	select {
	case r.status <- s:
		return true
	case <-ctx.Done():
		return false
	}
}

// Send implements Signaling; it fails at once while reconnecting.
func (r *Redialer) Send(ctx context.Context, m *protocol.Message) error {
	r.mu.Lock()
	c := r.cur
	r.mu.Unlock()
	if c == nil {
		return errOffline
	}
	return c.Send(ctx, m)
}

// Messages implements Signaling: it stays open across reconnects and closes
// after Close.
func (r *Redialer) Messages() <-chan *protocol.Message { return r.msgs }

// Status implements Resumable.
func (r *Redialer) Status() <-chan SignalingStatus { return r.status }

// Err implements Signaling: the last connection's or dial's failure.
func (r *Redialer) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Name implements Signaling: the name of the current (or last) connection.
func (r *Redialer) Name() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.name
}

// Users implements Signaling: the current (or last known) user list.
func (r *Redialer) Users() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.users...)
}

// Refresh implements Refresher: it closes the current connection, which
// makes the Redialer report reconnecting and dial again.
func (r *Redialer) Refresh() {
	r.mu.Lock()
	c := r.cur
	r.mu.Unlock()
	if c != nil {
		_ = c.Close()
	}
}

// Close stops redialing, closes the connection and waits for the
// Redialer's goroutine.
func (r *Redialer) Close() error {
	r.cancel()
	<-r.done
	return nil
}
