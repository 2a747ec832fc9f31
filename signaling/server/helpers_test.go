package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/protocol"
)

// testServer runs a Server on 127.0.0.1:0 through Serve, as the command does.
type testServer struct {
	*Server
	addr string // host:port
	stop func() error
}

func start(t testing.TB, cfg Config) *testServer {
	t.Helper()
	return startTLS(t, cfg, "", "")
}

func startTLS(t testing.TB, cfg Config, cert, key string) *testServer {
	t.Helper()
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ctx, ln, cert, key) }()
	stopped := false
	ts := &testServer{Server: srv, addr: ln.Addr().String()}
	ts.stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-errc
	}
	t.Cleanup(func() {
		if err := ts.stop(); err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ts
}

func (ts *testServer) url() string { return "ws://" + ts.addr + "/" }

// wsClient is a bare WebSocket client speaking the MDN protocol by hand. A
// goroutine reads continuously (which also answers the server's pings) into
// a channel, so waiting with a timeout never tears the connection down.
type wsClient struct {
	t    testing.TB
	conn *websocket.Conn
	in   chan frameOrErr
}

type frameOrErr struct {
	m   *protocol.Message
	err error
}

func dialWS(t testing.TB, url string, opts *websocket.DialOptions) *wsClient {
	t.Helper()
	c := dialIdle(t, url, opts)
	c.pump()
	return c
}

// dialIdle connects without reading: the client stops answering pings and
// its TCP window fills, like a frozen or dead peer.
func dialIdle(t testing.TB, url string, opts *websocket.DialOptions) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return newWSClient(t, conn)
}

func newWSClient(t testing.TB, conn *websocket.Conn) *wsClient {
	conn.SetReadLimit(8 << 20)
	return &wsClient{t: t, conn: conn, in: make(chan frameOrErr, 4096)}
}

func (c *wsClient) pump() {
	done := make(chan struct{})
	c.t.Cleanup(func() { c.conn.CloseNow(); <-done })
	go func() {
		defer close(done)
		for {
			_, data, err := c.conn.Read(context.Background())
			if err != nil {
				c.in <- frameOrErr{err: err}
				return
			}
			var m protocol.Message
			if err := json.Unmarshal(data, &m); err != nil {
				c.in <- frameOrErr{err: fmt.Errorf("server sent invalid JSON %q", data)}
				return
			}
			c.in <- frameOrErr{m: &m}
		}
	}()
}

func mdnDial(t testing.TB, url string) *wsClient {
	return dialWS(t, url, &websocket.DialOptions{Subprotocols: []string{"json"}})
}

func (c *wsClient) sendRaw(frame string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.conn.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *wsClient) send(m *protocol.Message) { c.t.Helper(); c.sendRaw(string(protocol.Encode(m))) }

// next reads one message, failing the test after a generous timeout.
func (c *wsClient) next() *protocol.Message {
	c.t.Helper()
	m, err := c.tryNext(10 * time.Second)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return m
}

var errNoMessage = errors.New("no message yet")

// tryNext returns the next message, the connection's end, or errNoMessage
// after timeout.
func (c *wsClient) tryNext(timeout time.Duration) (*protocol.Message, error) {
	select {
	case f := <-c.in:
		if f.err != nil {
			c.in <- f // the end stays the end
		}
		return f.m, f.err
	case <-time.After(timeout):
		return nil, errNoMessage
	}
}

// until reads messages until one of type typ arrives and returns it.
func (c *wsClient) until(typ string) *protocol.Message {
	c.t.Helper()
	for {
		if m := c.next(); m.Type == typ {
			return m
		}
	}
}

// closeStatus reads until the connection ends and returns its close status.
func (c *wsClient) closeStatus() websocket.StatusCode {
	c.t.Helper()
	for {
		_, err := c.tryNext(20 * time.Second)
		if err == errNoMessage {
			c.t.Fatal("connection still open")
		}
		if err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

// register sends username and reads up to the newcomer's userlist.
func (c *wsClient) register(name string) *protocol.Message {
	c.t.Helper()
	id := c.until(protocol.TypeID)
	c.send(&protocol.Message{Type: protocol.TypeUsername, Name: name, ID: id.ID, Date: time.Now().UnixMilli()})
	return c.until(protocol.TypeUserlist)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	testwait.Until(t, what, 20*time.Second, cond)
}

// waitGoroutines waits until the goroutine count is back to base.
func waitGoroutines(t *testing.T, base int) {
	testwait.Goroutines(t, base, 20*time.Second)
}
