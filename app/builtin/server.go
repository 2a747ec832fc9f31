// Package builtin runs the signaling server a desktop serves itself when
// no server is set (the same code as parley-signal, over HTTPS/WSS with a
// self-signed certificate), and chooses which desktop's built-in server
// the Parley desktops of one LAN meet on (Meeting).
package builtin

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"syscall"
	"time"

	"github.com/parleyhq/parley/signaling/invite"
	"github.com/parleyhq/parley/signaling/selfsigned"
	"github.com/parleyhq/parley/signaling/server"
)

// DefaultAddr is where a built-in server listens unless told otherwise:
// every interface, so that others on the LAN reach it.
const DefaultAddr = ":6503"

// Config configures Start.
type Config struct {
	// Addr is the listening address; "" means DefaultAddr. When its port is
	// taken (a second Parley on the machine), a free one is used.
	Addr string
	// CertDir holds the certificate, made on first start and kept. Required.
	CertDir string
	// Logger gets the server's diagnostics; nil discards them.
	Logger *slog.Logger
}

// Server is a running built-in signaling server.
type Server struct {
	cert     *selfsigned.Cert
	port     int
	links    []invite.Link
	loopback bool
	since    time.Time
	stop     context.CancelFunc
	done     chan struct{}
}

// Start listens and serves until ctx ends or Close is called.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	lan := lanAddresses()
	cert, err := selfsigned.LoadOrCreate(cfg.CertDir, lan, time.Now())
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		host, _, _ := net.SplitHostPort(cfg.Addr)
		log.Warn("signaling port in use; using another", "addr", cfg.Addr)
		ln, err = net.Listen("tcp", net.JoinHostPort(host, "0"))
	}
	if err != nil {
		return nil, err
	}
	srv, err := server.New(server.Config{Logger: log.With("component", "signaling")})
	if err != nil {
		ln.Close()
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	loopback := false
	// Bound to one address: that is the only one others can open.
	if host, _, _ := net.SplitHostPort(cfg.Addr); host != "" {
		if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() {
			lan = []string{ip.String()}
			loopback = ip.IsLoopback()
		}
	}
	tlsLn := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert.TLS}, MinVersion: tls.VersionTLS12})
	ctx, cancel := context.WithCancel(ctx)
	// Since goes out in milliseconds: keep no more here, or two desktops
	// started in the same millisecond would each find the other older.
	since := time.UnixMilli(time.Now().UnixMilli())
	s := &Server{cert: cert, port: port, loopback: loopback, since: since, stop: cancel, done: make(chan struct{})}
	if len(lan) == 0 {
		lan = []string{"localhost"}
	}
	for _, ip := range lan {
		s.links = append(s.links, invite.Link{Host: net.JoinHostPort(ip, strconv.Itoa(port)), Fingerprint: cert.Fingerprint})
	}
	go func() {
		defer close(s.done)
		if err := srv.Serve(ctx, tlsLn, "", ""); err != nil {
			log.Error("built-in signaling server stopped", "err", err)
		}
	}()
	for _, l := range s.links {
		log.Info("invite link: " + l.String())
	}
	log.Info("built-in signaling server", "port", port, "fingerprint", cert.Fingerprint)
	return s, nil
}

// Links are the invite links to this server, one per LAN address.
func (s *Server) Links() []invite.Link { return append([]invite.Link(nil), s.links...) }

// Fingerprint is the SHA-256 fingerprint of the server's certificate.
func (s *Server) Fingerprint() string { return s.cert.Fingerprint }

// Port is the port the server listens on.
func (s *Server) Port() int { return s.port }

// Since is when the server started.
func (s *Server) Since() time.Time { return s.since }

// Loopback reports a server bound to a loopback address, which nobody else
// can reach: it is not worth advertising.
func (s *Server) Loopback() bool { return s.loopback }

// LocalURL is how this app's own engine reaches the server.
func (s *Server) LocalURL() string {
	return "wss://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) + "/"
}

// ClientTLS trusts exactly the server's certificate.
func (s *Server) ClientTLS() *tls.Config {
	return &tls.Config{RootCAs: s.cert.Pool(), MinVersion: tls.VersionTLS12}
}

// Close stops the server and waits for it.
func (s *Server) Close() {
	s.stop()
	<-s.done
}

// lanAddresses lists this machine's non-loopback unicast IPv4 addresses
// (the ones a browser on the LAN can open), then IPv6 global ones.
func lanAddresses() []string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var v4, v6 []string
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() || ipn.IP.IsMulticast() {
			continue
		}
		if ip4 := ipn.IP.To4(); ip4 != nil {
			v4 = append(v4, ip4.String())
		} else if ipn.IP.IsGlobalUnicast() {
			v6 = append(v6, ipn.IP.String())
		}
	}
	return append(v4, v6...)
}
