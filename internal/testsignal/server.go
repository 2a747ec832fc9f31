package testsignal

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/signaling/server"
)

// Server is a real signaling server serving on loopback through Serve, as
// the parley-signal command does, until Stop or the end of the test.
type Server struct {
	*server.Server
	// Addr is the host:port it listens on.
	Addr string

	stop func()
}

// Start runs a server with cfg on a free port of 127.0.0.1.
func Start(t testing.TB, cfg server.Config) *Server {
	t.Helper()
	return StartOn(t, "127.0.0.1:0", cfg)
}

// StartOn runs a server with cfg on addr. It retries for a while when addr
// is taken, because a test that restarts a server on the port it had must
// wait for the old listener's port to be released.
func StartOn(t testing.TB, addr string, cfg server.Config) *Server {
	t.Helper()
	return start(t, addr, cfg, "", "")
}

// StartTLS runs a server with cfg on a free port of 127.0.0.1 over TLS
// with the certificate and key in certFile and keyFile (wss://).
func StartTLS(t testing.TB, cfg server.Config, certFile, keyFile string) *Server {
	t.Helper()
	return start(t, "127.0.0.1:0", cfg, certFile, keyFile)
}

func start(t testing.TB, addr string, cfg server.Config, certFile, keyFile string) *Server {
	t.Helper()
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var ln net.Listener
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln, certFile, keyFile) }()
	var once sync.Once
	s := &Server{Server: srv, Addr: ln.Addr().String()}
	s.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-served; err != nil {
				t.Errorf("Serve: %v", err)
			}
		})
	}
	t.Cleanup(s.stop)
	return s
}

// URL is the WebSocket URL clients dial.
func (s *Server) URL() string { return "ws://" + s.Addr + "/" }

// Stop stops serving and returns once every session has closed, so that a
// test can take the server away mid-test. Calling it again does nothing.
func (s *Server) Stop() { s.stop() }
