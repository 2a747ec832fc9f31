package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/signaling/hub"
	"github.com/parleyhq/parley/signaling/protocol"
)

// Server is the signaling endpoint and the static file server on one
// handler. Create it with New; stop it with Shutdown or Close.
type Server struct {
	cfg    Config
	hub    *hub.Hub
	static http.Handler
	ips    *ipLimiter
	nextID atomic.Int64

	mu      sync.Mutex
	clients map[*client]struct{}
	closed  bool
	wg      sync.WaitGroup // running clients
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Server{
		cfg: cfg,
		hub: hub.New(hub.Config{
			Router:           cfg.Router,
			CoalesceInterval: cfg.CoalesceInterval,
			CoalescePerUser:  cfg.CoalescePerUser,
			ResumeGrace:      cfg.ResumeGrace,
			Logger:           cfg.Logger,
		}),
		static:  http.FileServerFS(cfg.Static),
		ips:     newIPLimiter(cfg.MaxConnsPerIP),
		clients: make(map[*client]struct{}),
	}, nil
}

// Hub returns the server's hub (for tests and the load generator's
// bookkeeping; clients never need it).
func (s *Server) Hub() *hub.Hub { return s.hub }

// ServeHTTP upgrades WebSocket requests on any path to signaling clients
// and serves the browser client for everything else.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !isWebSocket(r) {
		s.static.ServeHTTP(w, r)
		return
	}
	addr := clientIP(r, s.cfg.TrustedProxies)
	if !s.ips.acquire(addr) {
		s.cfg.Logger.Warn("too many connections", "addr", addr, "max", s.cfg.MaxConnsPerIP)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write(protocol.Encode(protocol.Errorf(protocol.ErrTooManyClients, "", "at most %d connections per address", s.cfg.MaxConnsPerIP).Message()))
		return
	}
	defer s.ips.release(addr)

	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols:   []string{protocol.Subprotocol},
		OriginPatterns: s.cfg.AllowOrigins,
	})
	if err != nil {
		// Accept has answered already (403 for a foreign Origin, 400 for a
		// broken handshake).
		s.cfg.Logger.Warn("upgrade refused", "addr", addr, "origin", r.Header.Get("Origin"), "err", err)
		return
	}
	conn.SetReadLimit(protocol.MaxFrameBytes)

	// Authorization comes after the upgrade so that browsers, which are
	// never shown an HTTP error status, get a readable error and close
	// code 1008 instead of an anonymous failed connection.
	grant, err := s.cfg.Auth.Authorize(r)
	if err != nil {
		s.cfg.Logger.Warn("unauthorized", "addr", addr, "err", err)
		refuse(conn, protocol.Errorf(protocol.ErrUnauthorized, "", "%v", err), s.cfg.WriteTimeout)
		return
	}

	cl := newClient(s, conn, s.nextID.Add(1), addr, grant)
	if !s.track(cl) {
		conn.Close(websocket.StatusGoingAway, "server shutting down")
		return
	}
	defer s.untrack(cl)
	s.cfg.Logger.Debug("connected", "id", cl.id, "addr", addr, "subprotocol", conn.Subprotocol())
	cl.run(s.hub)
}

func (s *Server) track(cl *client) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.clients[cl] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(cl *client) {
	s.mu.Lock()
	delete(s.clients, cl)
	s.mu.Unlock()
	s.wg.Done()
}

// Shutdown closes every client with 1001 (going away) and waits for them to
// end, or for ctx. Clients left after ctx are cut off without a handshake.
// The http.Server that serves s must be shut down separately: upgraded
// connections are not its business any more.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	for cl := range s.clients {
		cl.end(websocket.StatusGoingAway, "server shutting down")
	}
	s.mu.Unlock()
	s.hub.Close()

	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	for cl := range s.clients {
		cl.conn.CloseNow()
	}
	s.mu.Unlock()
	<-done
	return ctx.Err()
}

// Close is Shutdown without a deadline for the close handshakes beyond the
// WebSocket library's own (5 s).
func (s *Server) Close() error {
	return s.Shutdown(context.Background())
}

// HTTPServer returns an http.Server for s with the handshake timeout set, so
// a client that opens TCP and never finishes its request is dropped, and
// idle keep-alive connections (from page loads) closed after a minute.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.cfg.HandshakeTimeout,
		IdleTimeout:       time.Minute,
	}
}

// Serve serves on ln until ctx ends, then shuts down cleanly: it stops
// accepting, closes every client and waits for them. With certFile and
// keyFile it serves HTTPS and WSS on the same port.
func (s *Server) Serve(ctx context.Context, ln net.Listener, certFile, keyFile string) error {
	hs := s.HTTPServer()
	errc := make(chan error, 1)
	go func() {
		if certFile != "" || keyFile != "" {
			errc <- hs.ServeTLS(ln, certFile, keyFile)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		s.Close()
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*DefaultWriteTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := s.Shutdown(sctx); err == nil {
		err = serr
	}
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}

func isWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") &&
		headerHasToken(r.Header.Get("Connection"), "upgrade")
}

func headerHasToken(v, token string) bool {
	for _, t := range strings.Split(v, ",") {
		if strings.EqualFold(strings.TrimSpace(t), token) {
			return true
		}
	}
	return false
}

// refuse sends err and closes with 1008, for connections that never get a
// client.
func refuse(conn *websocket.Conn, err *protocol.Error, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if conn.Write(ctx, websocket.MessageText, protocol.Encode(err.Message())) != nil {
		conn.CloseNow()
		return
	}
	conn.Close(websocket.StatusPolicyViolation, string(err.Code))
}
