package testproxy_test

import (
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/testproxy"
	"github.com/parleyhq/parley/internal/testwait"
)

// target accepts connections on loopback and hands them to the test.
func target(t *testing.T) (addr string, accepted <-chan net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := make(chan net.Conn, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns <- c
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		close(conns)
		for c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String(), conns
}

func dialThrough(t *testing.T, p *testproxy.Proxy, accepted <-chan net.Conn) (client, srv net.Conn) {
	t.Helper()
	client, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	select {
	case srv = <-accepted:
	case <-time.After(10 * time.Second):
		t.Fatal("the proxy never connected to the target")
	}
	t.Cleanup(func() { _ = srv.Close() })
	return client, srv
}

// roundTrip shows bytes pass from a to b.
func roundTrip(t *testing.T, a, b net.Conn, msg string) {
	t.Helper()
	if _, err := a.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(msg))
	_ = b.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(b, buf); err != nil || string(buf) != msg {
		t.Fatalf("read %q, %v; want %q", buf, err, msg)
	}
}

// stillOpen shows c neither got data nor saw its peer close: a read only
// times out.
func stillOpen(t *testing.T, c net.Conn, what string) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	n, err := c.Read(make([]byte, 1))
	if n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("%s: read %d bytes, %v; want an open, silent connection", what, n, err)
	}
}

func TestProxyForwardsAndCutLeavesTheServerSideOpen(t *testing.T) {
	base := runtime.NumGoroutine()
	t.Run("proxy", func(t *testing.T) {
		addr, accepted := target(t)
		p := testproxy.New(t, addr)
		client, srv := dialThrough(t, p, accepted)
		roundTrip(t, client, srv, "hello")
		roundTrip(t, srv, client, "back")

		p.Cut()
		_ = client.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := client.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("client side after Cut: %v, want it closed", err)
		}
		stillOpen(t, srv, "server side after Cut")

		client2, srv2 := dialThrough(t, p, accepted)
		roundTrip(t, client2, srv2, "again")
		if n := p.Dialled(); n != 2 {
			t.Fatalf("Dialled = %d, want 2", n)
		}
	})
	testwait.Goroutines(t, base, 10*time.Second)
}

func TestProxyFreezeDropsBothWays(t *testing.T) {
	addr, accepted := target(t)
	p := testproxy.New(t, addr)
	client, srv := dialThrough(t, p, accepted)
	roundTrip(t, client, srv, "live")
	p.Freeze()
	if _, err := client.Write([]byte("lost")); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Write([]byte("lost")); err != nil {
		t.Fatal(err)
	}
	stillOpen(t, srv, "server side while frozen")
	stillOpen(t, client, "client side while frozen")
}
