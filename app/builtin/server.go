package ui

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"syscall"
	"time"

	"github.com/parleyhq/parley/signaling/selfsigned"
	"github.com/parleyhq/parley/signaling/server"
)

// embedded is the signaling server the app runs itself when no server is
// configured: the same code as parley-signal, serving the browser client
// over HTTPS/WSS on the LAN so a browser user can call this desktop user.
type embedded struct {
	cert  *selfsigned.Cert
	port  int
	links []string
	stop  context.CancelFunc
	done  chan struct{}
}

// ServerInfo is what ServerInfo() returns to the page.
type ServerInfo struct {
	Embedded    bool     `json:"embedded"`
	Links       []string `json:"links"`
	Fingerprint string   `json:"fingerprint"`
}

// startEmbedded listens on addr (falling back to a free port when it is
// taken, for example by a second Parley on the same machine), and serves
// until ctx ends or close is called.
func startEmbedded(ctx context.Context, addr, certDir string, log *slog.Logger) (*embedded, error) {
	lan := lanAddresses()
	cert, err := selfsigned.LoadOrCreate(certDir, lan, time.Now())
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		host, _, _ := net.SplitHostPort(addr)
		log.Warn("signaling port in use; using another", "addr", addr)
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
	// Bound to one address: that is the only one others can open.
	if host, _, _ := net.SplitHostPort(addr); host != "" {
		if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() {
			lan = []string{ip.String()}
		}
	}
	tlsLn := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert.TLS}, MinVersion: tls.VersionTLS12})
	ctx, cancel := context.WithCancel(ctx)
	e := &embedded{cert: cert, port: port, stop: cancel, done: make(chan struct{})}
	for _, ip := range lan {
		e.links = append(e.links, "https://"+net.JoinHostPort(ip, strconv.Itoa(port)))
	}
	if len(e.links) == 0 {
		e.links = []string{fmt.Sprintf("https://localhost:%d", port)}
	}
	go func() {
		defer close(e.done)
		if err := srv.Serve(ctx, tlsLn, "", ""); err != nil {
			log.Error("embedded signaling server stopped", "err", err)
		}
	}()
	log.Info("embedded signaling server", "links", e.links, "fingerprint", cert.Fingerprint)
	return e, nil
}

// localURL is how this app's own engine reaches the embedded server.
func (e *embedded) localURL() string {
	return "wss://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(e.port)) + "/"
}

// clientTLS trusts exactly the embedded server's certificate.
func (e *embedded) clientTLS() *tls.Config {
	return &tls.Config{RootCAs: e.cert.Pool(), MinVersion: tls.VersionTLS12}
}

func (e *embedded) info() ServerInfo {
	return ServerInfo{Embedded: true, Links: append([]string(nil), e.links...), Fingerprint: e.cert.Fingerprint}
}

func (e *embedded) close() {
	e.stop()
	<-e.done
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
