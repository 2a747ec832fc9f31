package headless_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/engine/headless"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/client"
	"github.com/parleyhq/parley/signaling/server"
)

// cutProxy forwards TCP to a server; cut resets the client side of every
// connection and leaves the server side open and silent, as when a
// laptop's address changes: the peer sees its connection die while the
// server still holds it (and its name) until a ping fails.
type cutProxy struct {
	ln net.Listener
	wg sync.WaitGroup

	mu      sync.Mutex
	clients []*net.TCPConn
	servers []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.clients, p.servers = append(p.clients, c.(*net.TCPConn)), append(p.servers, s)
			p.mu.Unlock()
			p.wg.Add(2)
			go p.pipe(s, c)
			go p.pipe(c, s)
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		p.mu.Lock()
		for _, c := range p.clients {
			_ = c.Close()
		}
		for _, s := range p.servers {
			_ = s.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

// pipe copies until src fails; it never closes dst, so a cut client side
// leaves the server side open.
func (p *cutProxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return
		}
	}
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.clients {
		_ = c.SetLinger(0) // RST
		_ = c.Close()
	}
	p.clients = nil
}

// The headless peer's connection dies while the server still holds it
// (server pings an hour apart): the peer reconnects with its resume token
// and is bob again at once, not bob1, which is what lets its partner's ICE
// restart offer to "bob" reach it.
func TestHeadlessKeepsItsNameWhileTheServerHoldsTheOldConnection(t *testing.T) {
	srv, err := server.New(server.Config{PingInterval: time.Hour, CoalesceInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srvCtx, stopSrv := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() { defer close(served); srv.Serve(srvCtx, ln, "", "") }()
	t.Cleanup(func() { stopSrv(); <-served })
	proxy := newCutProxy(t, ln.Addr().String())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out lockedBuffer
	done := make(chan *headless.Result, 1)
	go func() {
		res, _ := headless.Run(ctx, headless.Options{
			Server: "ws://" + proxy.ln.Addr().String(), Name: "bob", AutoAnswer: true, FakeMedia: true,
			Camera: "none", Microphone: "none", Wait: time.Minute, Out: &out,
		})
		done <- res
	}()
	testwait.Until(t, "bob online", 30*time.Second, func() bool {
		return slices.Equal(srv.Hub().Users(), []string{"bob"}) && strings.Contains(out.String(), `"name":"bob"`)
	})

	proxy.cut()
	testwait.Until(t, "bob back online", 30*time.Second, func() bool {
		return strings.Contains(out.String(), `"status":"reconnecting"`) &&
			strings.Count(out.String(), `"status":"online"`) >= 1 && len(proxy.serversSnapshot()) >= 2
	})
	testwait.Until(t, "bob registered once, as bob", 30*time.Second, func() bool {
		return slices.Equal(srv.Hub().Users(), []string{"bob"})
	})
	if strings.Contains(out.String(), `bob1`) {
		t.Fatalf("bob was renamed:\n%s", out.String())
	}

	cancel()
	res := <-done
	if res == nil || res.Name != "bob" {
		t.Fatalf("result %+v", res)
	}
	if !slices.ContainsFunc(res.Signaling, func(s headless.StatusAt) bool { return s.Status == "online" }) {
		t.Errorf("no return online recorded: %+v", res.Signaling)
	}
}

func (p *cutProxy) serversSnapshot() []net.Conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.servers)
}

// A server that cannot be reached fails the run at once with the dial's
// error, rather than retrying until the caller gives up: there is no call
// to keep yet.
func TestHeadlessWithoutServerFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := headless.Run(ctx, headless.Options{Server: "ws://" + addr, Name: "bob", Camera: "none", Microphone: "none"})
	var de *client.DialError
	if res != nil || !errors.As(err, &de) {
		t.Fatalf("Run = %+v, %v; want no result and a *client.DialError", res, err)
	}
}
