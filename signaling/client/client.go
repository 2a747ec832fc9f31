package client

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/signaling/protocol"
)

// Config says where and as whom to connect.
type Config struct {
	// URL of the server, ws:// or wss://.
	URL string
	// Name to register. The server may give a different one (alice1 when
	// alice is taken); Client.Name reports the name actually given.
	Name string
	// Origin, if set, is sent as the Origin header (servers check it
	// against their host; non-browser clients usually send none).
	Origin string
	// Header holds extra handshake headers.
	Header http.Header
	// Token is the server's access token (shared or signed), sent as
	// "Authorization: Bearer". A wrong one fails Dial with a
	// *protocol.Error whose Code is protocol.ErrUnauthorized.
	Token string
	// TLS configures wss:// connections; nil uses the system roots.
	TLS *tls.Config
	// Features to request with hello. nil requests user-delta, as Parley
	// clients do; an empty non-nil slice sends no hello, like MDN's client.
	Features []string
	// Handler, if set, is called on the client's reader goroutine for every
	// message after Dial returns, with the frame as received, instead of
	// delivering on Messages. It must not block for long: the server drops
	// clients that stop reading.
	Handler func(msg *protocol.Message, raw []byte)
	// Resume is a resume token from an earlier connection's ResumeToken:
	// the server then hands this connection the name at once, replacing the
	// old connection if it still holds it. Link sets it on reconnects.
	Resume string
	// Buffer is the capacity of the Messages channel; 0 means 64.
	Buffer int
	// ReadLimit caps one incoming frame; 0 means 8 MiB, room for a userlist
	// of more than 200,000 names.
	ReadLimit int64
}

// Client is a registered signaling connection. Its methods are safe for
// concurrent use.
type Client struct {
	conn     *websocket.Conn
	cfg      Config
	id       int64
	features []string
	msgs     chan *protocol.Message
	closing  chan struct{}
	done     chan struct{} // closed when the reader goroutine has exited
	stopOnce sync.Once

	mu     sync.Mutex
	name   string
	users  []string
	ice    []protocol.ICEServer
	resume string
	err    error
}

// Dial connects, sends hello (unless disabled) and username, and returns once
// the server has accepted the registration and sent the user list. ctx
// bounds only the dial and registration.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	name, perr := protocol.ValidateName(cfg.Name)
	if perr != nil {
		return nil, perr
	}
	if cfg.Features == nil {
		cfg.Features = []string{protocol.FeatureUserDelta}
	}
	if cfg.Buffer <= 0 {
		cfg.Buffer = 64
	}
	if cfg.ReadLimit <= 0 {
		cfg.ReadLimit = 8 << 20
	}
	header := cfg.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if cfg.Origin != "" {
		header.Set("Origin", cfg.Origin)
	}
	if cfg.Token != "" {
		header.Set("Authorization", "Bearer "+cfg.Token)
	}
	opts := &websocket.DialOptions{Subprotocols: []string{protocol.Subprotocol}, HTTPHeader: header}
	if cfg.TLS != nil {
		opts.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: cfg.TLS}}
	}
	conn, resp, err := websocket.Dial(ctx, cfg.URL, opts)
	if err != nil {
		de := &DialError{URL: cfg.URL, Err: err}
		if resp != nil {
			de.Status = resp.StatusCode
		}
		return nil, de
	}
	conn.SetReadLimit(cfg.ReadLimit)
	c := &Client{
		conn:    conn,
		cfg:     cfg,
		name:    name,
		msgs:    make(chan *protocol.Message, cfg.Buffer),
		closing: make(chan struct{}),
		done:    make(chan struct{}),
	}
	early, err := c.register(ctx, name)
	if err != nil {
		conn.CloseNow()
		return nil, err
	}
	go c.readLoop(early)
	return c, nil
}

// register runs the handshake of the protocol. Messages that arrive before
// the user list but are not part of registration are returned for delivery.
func (c *Client) register(ctx context.Context, name string) ([]*protocol.Message, error) {
	first, _, err := c.read(ctx)
	if err != nil {
		return nil, fmt.Errorf("signaling: waiting for id: %w", err)
	}
	if first.Type == protocol.TypeError {
		return nil, &protocol.Error{Code: first.Code, Detail: first.Detail, About: first.About}
	}
	if first.Type != protocol.TypeID {
		return nil, fmt.Errorf("signaling: server sent %q before its id", first.Type)
	}
	c.id = first.ID
	if len(c.cfg.Features) > 0 || c.cfg.Resume != "" {
		hello := &protocol.Message{Type: protocol.TypeHello, Features: c.cfg.Features, Resume: c.cfg.Resume}
		if err := c.conn.Write(ctx, websocket.MessageText, protocol.Encode(hello)); err != nil {
			return nil, fmt.Errorf("signaling: sending hello: %w", err)
		}
	}
	req := &protocol.Message{Type: protocol.TypeUsername, Name: name, ID: c.id, Date: time.Now().UnixMilli()}
	if err := c.conn.Write(ctx, websocket.MessageText, protocol.Encode(req)); err != nil {
		return nil, fmt.Errorf("signaling: sending username: %w", err)
	}
	var early []*protocol.Message
	for {
		m, _, err := c.read(ctx)
		if err != nil {
			return nil, fmt.Errorf("signaling: registering %q: %w", name, err)
		}
		switch m.Type {
		case protocol.TypeHello:
			c.features = m.Features
		case protocol.TypeRejectUsername:
			c.name = m.Name
		case protocol.TypeUserlist:
			c.users = slices.Clone(m.Users) // the message is also delivered; never share its slice
			return early, nil
		case protocol.TypeError:
			if m.About == protocol.TypeUsername || m.Code == protocol.ErrBadName {
				return nil, &protocol.Error{Code: m.Code, Detail: m.Detail, About: m.About, User: m.User}
			}
			early = append(early, m)
		default:
			c.apply(m)
			early = append(early, m)
		}
	}
}

func (c *Client) read(ctx context.Context) (*protocol.Message, []byte, error) {
	for {
		typ, data, err := c.conn.Read(ctx)
		if err != nil {
			return nil, nil, err
		}
		if typ != websocket.MessageText {
			continue
		}
		var m protocol.Message
		if err := json.Unmarshal(data, &m); err != nil || m.Type == "" {
			continue // a frame this client cannot read is not worth dying for
		}
		return &m, data, nil
	}
}

func (c *Client) readLoop(early []*protocol.Message) {
	// msgs closes after done, so a reader that sees msgs end gets the
	// reason from Err: the other order let Link take a replaced
	// connection's close (4000) for a nil error and reconnect.
	defer close(c.msgs)
	defer close(c.done)
	for _, m := range early {
		if !c.deliver(m, protocol.Encode(m)) {
			return
		}
	}
	for {
		m, raw, err := c.read(context.Background())
		if err != nil {
			c.fail(err)
			return
		}
		c.apply(m)
		if !c.deliver(m, raw) {
			return
		}
	}
}

func (c *Client) deliver(m *protocol.Message, raw []byte) bool {
	if c.cfg.Handler != nil {
		c.cfg.Handler(m, raw)
		return true
	}
	select {
	case c.msgs <- m:
		return true
	case <-c.closing:
		return false
	}
}

// apply keeps the user list and name current. Deltas arrive in batches of
// up to thousands of names, so they are applied with a set, not a search
// per name.
func (c *Client) apply(m *protocol.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch m.Type {
	case protocol.TypeUserlist:
		c.users = slices.Clone(m.Users) // the message is also delivered; never share its slice
	case protocol.TypeUserJoined:
		have := make(map[string]struct{}, len(c.users))
		for _, n := range c.users {
			have[n] = struct{}{}
		}
		for _, n := range deltaNames(m) {
			if _, ok := have[n]; !ok {
				have[n] = struct{}{}
				c.users = append(c.users, n)
			}
		}
	case protocol.TypeUserLeft:
		gone := make(map[string]struct{})
		for _, n := range deltaNames(m) {
			gone[n] = struct{}{}
		}
		c.users = slices.DeleteFunc(c.users, func(n string) bool {
			_, ok := gone[n]
			return ok
		})
	case protocol.TypeRejectUsername:
		c.name = m.Name
	case protocol.TypeICEServers:
		c.ice = slices.Clone(m.ICEServers)
	case protocol.TypeSession:
		c.resume = m.Resume
	}
}

// deltaNames returns the names a user-joined/user-left frame carries: the
// "users" batch, or the single "name".
func deltaNames(m *protocol.Message) []string {
	if len(m.Users) > 0 {
		return m.Users
	}
	if m.Name != "" {
		return []string{m.Name}
	}
	return nil
}

func (c *Client) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

// ID is the id the server assigned to this connection.
func (c *Client) ID() int64 { return c.id }

// Name is the name the server registered for this client.
func (c *Client) Name() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.name
}

// ICEServers returns the ICE servers (TURN with time-limited credentials)
// the server last sent, or nil if it sends none. The server refreshes them
// before they expire, so read them when a call starts; each refresh is also
// delivered as an "ice-servers" message.
func (c *Client) ICEServers() []protocol.ICEServer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.ice)
}

// ResumeToken is the token the server issued for this connection (empty
// from servers without resume); pass it as Config.Resume to take the name
// back after a disconnect.
func (c *Client) ResumeToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.resume
}

// Features are the hello features the server accepted.
func (c *Client) Features() []string { return slices.Clone(c.features) }

// Users returns the registered names as last reported by the server,
// including this client's own.
func (c *Client) Users() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.users)
}

// Messages delivers every message after registration (chat, relayed
// signaling, user-list changes after they are applied, errors). It is
// closed when the connection ends. Read it steadily: a client that falls
// behind is dropped by the server. Unused when Config.Handler is set.
func (c *Client) Messages() <-chan *protocol.Message { return c.msgs }

// Send sends m. A "username" message renames the client; the name
// becomes current when the server confirms it.
func (c *Client) Send(ctx context.Context, m *protocol.Message) error {
	return c.SendRaw(ctx, protocol.Encode(m))
}

// SendRaw sends a frame as is, for extensions Message does not model.
func (c *Client) SendRaw(ctx context.Context, frame []byte) error {
	select {
	case <-c.closing:
		return ErrClosed
	default:
	}
	if err := c.conn.Write(ctx, websocket.MessageText, frame); err != nil {
		return fmt.Errorf("signaling: send: %w", err)
	}
	return nil
}

// Ping checks that the server still answers, within ctx. The connection's
// reader must be running (it is, after Dial); a ping that times out closes
// the connection, which is what a dead link deserves.
func (c *Client) Ping(ctx context.Context) error {
	return c.conn.Ping(ctx)
}

// Done is closed when the connection has ended and Messages is closed.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err reports why the connection ended: ErrClosed after Close, the server's
// close status (see websocket.CloseStatus) or a network error otherwise.
func (c *Client) Err() error {
	select {
	case <-c.done:
	default:
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close ends the connection with a normal closure and waits for the reader
// goroutine to exit.
func (c *Client) Close() error {
	var err error
	c.stopOnce.Do(func() {
		c.fail(ErrClosed)
		close(c.closing)
		err = c.conn.Close(websocket.StatusNormalClosure, "")
		if errors.Is(err, context.Canceled) {
			err = nil
		}
	})
	<-c.done
	return err
}
