package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/signaling/protocol"
)

// Backoff bounds for Link's reconnect attempts, and its liveness check.
const (
	DefaultMinBackoff   = 250 * time.Millisecond
	DefaultMaxBackoff   = 10 * time.Second
	DefaultPingInterval = 15 * time.Second
	DefaultPingTimeout  = 10 * time.Second
)

// ErrOffline is returned by Link.Send while there is no connection, so
// callers learn at once that a message was not sent instead of blocking
// through an outage. It wraps nothing; check with errors.Is.
var ErrOffline = errors.New("signaling: offline")

// LinkConfig configures a Link.
type LinkConfig struct {
	Config
	// MinBackoff and MaxBackoff bound the wait between attempts (doubling,
	// with jitter so clients of a restarted server do not return in step);
	// 0 means the defaults.
	MinBackoff, MaxBackoff time.Duration
	// PingInterval and PingTimeout: the link pings the server this
	// often and reconnects when no pong comes in time. Without it, a link
	// that silently stops carrying packets (Wi-Fi gone, no RST) would look
	// online until TCP gives up, many minutes later. 0 means the defaults.
	PingInterval, PingTimeout time.Duration
	// Target, if set, is asked before every connection attempt for the
	// server to dial, and overrides Config.URL and Config.TLS. It is for a
	// server that can move: the desktops of a LAN follow whichever of their
	// built-in servers is the meeting point, and Refresh moves a link to
	// a new one without ending it. It must not block.
	Target func() (url string, tlsConf *tls.Config)
	// OnStatus, if set, is called on every status change with the error
	// that caused it (nil when going online). It runs on the link's
	// goroutine: it must not block or call Close.
	OnStatus func(protocol.LinkStatus, error)
}

// Link is a signaling connection that survives outages: it reconnects
// with backoff, takes its name back with the server's resume token (so a
// call in progress is not hung up and the name is not lost to alice1), and
// delivers every connection's messages on one channel that stays open
// until Close. Config.Handler is not used.
type Link struct {
	cfg  LinkConfig
	msgs chan *protocol.Message
	stop context.CancelFunc
	done chan struct{}
	wake chan struct{} // Refresh cuts a backoff wait short
	up   chan struct{} // closed the first time the link is online

	notify  chan struct{} // a status change for Changes to deliver
	changes chan protocol.LinkStatus

	mu     sync.Mutex
	client *Client // nil while not online
	status protocol.LinkStatus
	online uint64 // connections made: not 0 makes an outage Reconnecting
	name   string // the name to register next time: the one last given
	url    string // the server of the current or last attempt
	resume string
	err    error // why the link stopped
}

// Connect starts a Link and returns at once; Ready waits for it to be
// online, and OnStatus or Changes report what follows. ctx ends the link
// like Close. While it runs, the address the server connection went out
// from going away (another network, a new lease) refreshes the link at
// once.
func Connect(ctx context.Context, cfg LinkConfig) (*Link, error) {
	if _, perr := protocol.ValidateName(cfg.Name); perr != nil {
		return nil, perr
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(DefaultMaxBackoff, cfg.MinBackoff)
	}
	if cfg.Buffer <= 0 {
		cfg.Buffer = 64
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = DefaultPingInterval
	}
	if cfg.PingTimeout <= 0 {
		cfg.PingTimeout = DefaultPingTimeout
	}
	cfg.Handler = nil
	ctx, stop := context.WithCancel(ctx)
	s := &Link{
		cfg:  cfg,
		msgs: make(chan *protocol.Message, cfg.Buffer),
		stop: stop,
		done: make(chan struct{}),
		wake: make(chan struct{}, 1),
		up:   make(chan struct{}),
		name: cfg.Name,

		status:  protocol.LinkConnecting,
		notify:  make(chan struct{}, 1),
		changes: make(chan protocol.LinkStatus),
	}
	go s.run(ctx)
	go s.forward(protocol.LinkConnecting)
	go watchSource(s.done, addrPoll, s.connections, s.source, machineAddrs, s.Refresh)
	return s, nil
}

// ConnectOnline is Connect, then Ready: it returns the link once it is
// online, or closes it and fails.
func ConnectOnline(ctx context.Context, cfg LinkConfig) (*Link, error) {
	l, err := Connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := l.Ready(ctx); err != nil {
		_ = l.Close()
		return nil, err
	}
	return l, nil
}

// Ready waits until the link is first online, so that a caller starts
// registered. It fails if the link stops first (a refused name or token)
// or ctx ends.
func (s *Link) Ready(ctx context.Context) error {
	select {
	case <-s.up:
		return nil
	case <-s.done:
		select {
		case <-s.up: // online, then stopped at once
			return nil
		default:
		}
		if err := s.Err(); err != nil {
			return err
		}
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Link) run(ctx context.Context) {
	defer close(s.done)
	defer close(s.msgs)
	attempt := 0
	for {
		c, err := s.dial(ctx)
		if err == nil {
			attempt = 0
			err = s.serve(ctx, c)
		}
		if ctx.Err() != nil {
			s.finish(ErrClosed)
			return
		}
		if permanent(err) {
			s.finish(err)
			return
		}
		s.setStatus(s.down(), err)
		select {
		case <-time.After(s.backoff(attempt)):
		case <-s.wake:
		case <-ctx.Done():
			s.finish(ErrClosed)
			return
		}
		attempt++
	}
}

func (s *Link) dial(ctx context.Context) (*Client, error) {
	cfg := s.cfg.Config
	if s.cfg.Target != nil {
		cfg.URL, cfg.TLS = s.cfg.Target()
	}
	s.mu.Lock()
	if cfg.URL != s.url && s.url != "" {
		// Another server knows neither the token nor the name's holder.
		s.resume = ""
	}
	s.url = cfg.URL
	cfg.Name, cfg.Resume = s.name, s.resume
	s.mu.Unlock()
	// Registration must not hang on a half-dead server: bound it.
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second+s.cfg.MaxBackoff)
	defer cancel()
	return Dial(dctx, cfg)
}

// serve forwards c's messages until c ends; it keeps the name and resume
// token current for the next dial.
func (s *Link) serve(ctx context.Context, c *Client) error {
	select {
	case <-s.wake: // a Refresh from before this connection is done with
	default:
	}
	s.mu.Lock()
	s.client = c
	s.name, s.resume = c.Name(), c.ResumeToken()
	s.mu.Unlock()
	s.mu.Lock()
	s.online++
	if s.online == 1 {
		close(s.up)
	}
	s.mu.Unlock()
	s.setStatus(protocol.LinkOnline, nil)
	stopPing := s.keepAlive(c)
	defer func() {
		stopPing()
		s.mu.Lock()
		s.client = nil
		s.mu.Unlock()
	}()
	for {
		select {
		case m, ok := <-c.Messages():
			if !ok {
				return c.Err()
			}
			s.mu.Lock()
			switch m.Type {
			case protocol.TypeSession:
				s.resume = m.Resume
			case protocol.TypeRejectUsername:
				s.name = m.Name
			}
			s.mu.Unlock()
			select {
			case s.msgs <- m:
			case <-ctx.Done():
				c.Close()
				return ctx.Err()
			}
		case <-ctx.Done():
			c.Close()
			return ctx.Err()
		}
	}
}

// keepAlive pings c every PingInterval and closes it when a pong does not
// come within PingTimeout, which ends serve and starts a reconnect. The
// returned function stops it and waits for its goroutine.
func (s *Link) keepAlive(c *Client) (stop func()) {
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(s.cfg.PingInterval)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-c.Done():
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), s.cfg.PingTimeout)
			err := c.Ping(ctx)
			cancel()
			if err != nil {
				c.fail(fmt.Errorf("signaling: no pong within %s: %w", s.cfg.PingTimeout, err))
				c.conn.CloseNow()
				return
			}
		}
	}()
	return func() { close(quit); <-done }
}

// permanent reports errors that another attempt would repeat: the server
// refused the token or the name, refused the Origin, handed the name to a
// newer connection (a second tab or process of the same user), or is not
// the server pinned for the address.
func permanent(err error) bool {
	var ie *IdentityError
	if errors.As(err, &ie) {
		return true
	}
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe.Code == protocol.ErrUnauthorized || pe.Code == protocol.ErrBadName
	}
	var de *DialError
	if errors.As(err, &de) {
		return de.Status == http.StatusForbidden || de.Status == http.StatusUnauthorized
	}
	code := websocket.CloseStatus(err)
	return code == protocol.CloseReplaced
}

// backoff is MinBackoff doubled per attempt up to MaxBackoff, then a
// random point in its upper half.
func (s *Link) backoff(attempt int) time.Duration {
	d := s.cfg.MaxBackoff
	if attempt < 30 {
		d = min(s.cfg.MaxBackoff, s.cfg.MinBackoff<<attempt)
	}
	return d/2 + rand.N(d/2+1)
}

// down is the status between connections: Connecting until the link has
// been online once, Reconnecting after.
func (s *Link) down() protocol.LinkStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.online == 0 {
		return protocol.LinkConnecting
	}
	return protocol.LinkReconnecting
}

// setStatus records st and tells OnStatus when it changed or err says why
// an attempt failed (a failed attempt may leave the status as it was).
func (s *Link) setStatus(st protocol.LinkStatus, err error) {
	s.mu.Lock()
	changed := s.status != st
	s.status = st
	s.mu.Unlock()
	if changed {
		select {
		case s.notify <- struct{}{}:
		default:
		}
	}
	if (changed || err != nil) && s.cfg.OnStatus != nil {
		s.cfg.OnStatus(st, err)
	}
}

func (s *Link) finish(err error) {
	s.mu.Lock()
	s.err = err
	s.mu.Unlock()
	s.setStatus(protocol.LinkOffline, err)
}

// Changes delivers each outage (Reconnecting) and each return (Online)
// after the first connection, which Ready reports, until the link stops
// (the final Offline is not delivered: Messages closing says it).
// A reader that falls behind gets the newest status, not every one in
// between, which is all a reader acts on. OnStatus sees every change.
func (s *Link) Changes() <-chan protocol.LinkStatus { return s.changes }

// forward delivers status changes to Changes until the link is done.
func (s *Link) forward(sent protocol.LinkStatus) {
	for {
		select {
		case <-s.done:
			return
		case <-s.notify:
		}
		st := s.Status()
		if st == sent || st == protocol.LinkOffline {
			continue
		}
		if sent == protocol.LinkConnecting && st == protocol.LinkOnline {
			sent = st // the first connection: Ready's news, not a change
			continue
		}
		select {
		case s.changes <- st:
			sent = st
		case <-s.done:
			return
		}
	}
}

// connections counts the connections made so far.
func (s *Link) connections() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.online
}

// source says which local address the machine would use now to reach the
// link's server.
func (s *Link) source() (string, error) { return sourceFor(s.URL()) }

// Messages delivers every message of every connection, in order, and is
// closed when the link stops. The user list starts afresh on each
// reconnect with a "userlist" message.
func (s *Link) Messages() <-chan *protocol.Message { return s.msgs }

// Status is the current link status.
func (s *Link) Status() protocol.LinkStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// URL is the server of the current connection, or of the last attempt.
func (s *Link) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Name is the name registered (or to be registered on the next connect).
func (s *Link) Name() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.name
}

// current returns the live client, or nil.
func (s *Link) current() *Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client
}

// Users is the current connection's user list; nil while offline.
func (s *Link) Users() []string {
	if c := s.current(); c != nil {
		return c.Users()
	}
	return nil
}

// ICEServers are the ICE servers of the current connection; nil while
// offline (credentials from a previous connection may have expired).
func (s *Link) ICEServers() []protocol.ICEServer {
	if c := s.current(); c != nil {
		return c.ICEServers()
	}
	return nil
}

// Send sends m on the current connection, or fails at once with ErrOffline.
// As with Client.Send, ctx must outlive the write: cancelling it closes the
// connection.
func (s *Link) Send(ctx context.Context, m *protocol.Message) error {
	c := s.current()
	if c == nil {
		select {
		case <-s.done:
			return ErrClosed
		default:
			return ErrOffline
		}
	}
	return c.Send(ctx, m)
}

// Err says why the link stopped (ErrClosed after Close), or nil while
// it runs.
func (s *Link) Err() error {
	select {
	case <-s.done:
	default:
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Done is closed when the link has stopped and Messages is closed.
func (s *Link) Done() <-chan struct{} { return s.done }

// errRefreshed is why a connection that Refresh dropped ended.
var errRefreshed = errors.New("signaling: connection dropped to reconnect at once")

// Refresh drops the current connection, if any, and reconnects at once
// (after MinBackoff at most; a backoff wait under way is cut short) with
// the resume token, taking the name back, or to the server Target now
// names.
// It is for a caller that knows better than the link's pings that the
// link is dead: after a network change the old connection runs over an
// address the machine no longer has, and a ping would notice only after
// PingInterval+PingTimeout. It does not block and may be called from
// OnStatus.
func (s *Link) Refresh() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
	if c := s.current(); c != nil {
		c.fail(errRefreshed)
		// No close handshake: over a dead link it would only wait.
		c.conn.CloseNow()
	}
}

// Close ends the link and waits for its goroutine. Unread messages are
// dropped.
func (s *Link) Close() error {
	s.stop()
	for range s.msgs {
	}
	<-s.done
	return nil
}
