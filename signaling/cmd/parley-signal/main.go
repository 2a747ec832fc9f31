// Command parley-signal is Parley's signaling server: users find each other by
// name and exchange WebRTC offers, answers and ICE candidates through it. It
// speaks the protocol of MDN's "Signaling and video calling" sample, so MDN's
// client works unchanged, and serves Parley's browser client on the same port.
//
//	parley-signal --addr 127.0.0.1:6503
//	parley-signal --auth signed --auth-secret S --turn-listen :3478 --turn-secret T --public-ip 203.0.113.7
//	parley-signal token --user alice --ttl 24h --secret S
//
// SIGINT or SIGTERM closes every connection cleanly (1001) and exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/parleyhq/parley/signaling/auth"
	"github.com/parleyhq/parley/signaling/server"
	"github.com/parleyhq/parley/signaling/turnserver"
)

// defaultGCPercent replaces Go's default of 100 unless GOGC is set. A
// signaling server's live heap is mostly per-connection buffers, and a join
// storm churns through large user-list frames; collecting at 50% growth
// kept 10,000 connections at 379 MB RSS instead of about 450 MB, for a
// little more GC work during storms.
const defaultGCPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runCmd := run
	if len(os.Args) > 1 && os.Args[1] == "token" {
		runCmd = func(_ context.Context, args []string, stdout, stderr io.Writer) error {
			return tokenCmd(args[1:], stdout, stderr)
		}
	}
	if err := runCmd(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "parley-signal:", err)
		stop()
		os.Exit(1)
	}
}

// defaultResumeGrace is --resume-grace's default: none. A Wi-Fi blip or
// an address change needs no grace to keep the name and the call: the
// server sees nothing close, and the client's resume token takes the name
// back from the dead connection the moment it reconnects (tests/faults
// TestAddressChange runs against this default). A grace applies only to a
// connection the server saw close, which is mostly a client that quit or
// was killed, and it keeps that client listed and callable: its partner
// learns it is gone, and callers get "not online", only after the grace.
// Measured in tests/faults: a killed peer's call ended 3.7 s after the kill
// with no grace and 31.6 s after it with 30 s.
const defaultResumeGrace = 0

// repeated collects a flag given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// run parses args and serves until ctx ends (SIGINT or SIGTERM in main).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parley-signal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		addr       = fs.String("addr", ":6503", "`address` to listen on (host:port); one port serves WebSocket signaling and the browser client")
		certFile   = fs.String("tls-cert", "", "PEM certificate `file`; with --tls-key, serve https and wss instead of http and ws")
		keyFile    = fs.String("tls-key", "", "PEM private key `file` for --tls-cert")
		logLevel   = fs.String("log-level", "info", "log `level`: debug (adds relays: type, sender, target, size), info (joins, leaves), warn, error")
		maxPerIP   = fs.Int("max-conns-per-ip", server.DefaultMaxConnsPerIP, "maximum concurrent WebSocket connections from one IP address; -1 for no limit")
		sendQueue  = fs.Int("send-queue", server.DefaultSendQueue, "frames queued per client before it is dropped as a slow consumer")
		rateLimit  = fs.Float64("rate", server.DefaultRate, "messages per second a client may send, sustained")
		burst      = fs.Int("burst", server.DefaultBurst, "messages a client may send at once above --rate")
		pingEvery  = fs.Duration("ping-interval", server.DefaultPingInterval, "how often to ping each client")
		pingWait   = fs.Duration("ping-timeout", server.DefaultPingTimeout, "how long to wait for a pong before dropping the client")
		registerIn = fs.Duration("register-timeout", server.DefaultRegisterTimeout, "close connections that send no username within this time")
		handshake  = fs.Duration("handshake-timeout", server.DefaultHandshakeTimeout, "drop connections that do not complete the HTTP request within this time")
		queueBytes = fs.Int("send-queue-bytes", server.DefaultSendQueueBytes, "bytes queued per client before it is dropped as a slow consumer")
		authMode   = fs.String("auth", "open", "access `mode`: open (anyone), token (shared --auth-token), signed (tokens from 'parley-signal token', checked with --auth-secret, each bound to one user name)")
		authToken  = fs.String("auth-token", "", "the shared access `token` for --auth token (clients pass ?token= or Authorization: Bearer)")
		authSecret = fs.String("auth-secret", "", "the `secret` that signs tokens for --auth signed")
		turnListen = fs.String("turn-listen", "", "run the built-in TURN relay on this `address` (UDP and TCP, e.g. :3478); needs --turn-secret and --public-ip")
		turnSecret = fs.String("turn-secret", "", "`secret` for the relay's time-limited credentials (coturn use-auth-secret style)")
		turnRealm  = fs.String("turn-realm", turnserver.DefaultRealm, "TURN `realm`")
		publicIP   = fs.String("public-ip", "", "the `IP` clients reach the relay on (advertised in relayed candidates and TURN URLs)")
		turnPriv   = fs.Bool("turn-allow-private", false, "let the relay reach loopback, private and link-local peers (LAN setups and tests only: CVE-2020-26262)")
		turnMax    = fs.Int("turn-max-allocations", turnserver.DefaultMaxAllocationsPerUser, "live relay allocations allowed per user")
		turnTTL    = fs.Duration("turn-ttl", turnserver.DefaultCredentialTTL, "lifetime of relay credentials (refreshed before expiry)")
		grace      = fs.Duration("resume-grace", defaultResumeGrace, "keep the name and calls of a user whose connection the server saw close this long for a reconnect with its resume token (no user-left or hang-up if it returns in time); 0 frees them at once. A Wi-Fi blip or address change needs no grace: the server sees nothing close, and the resume token takes the name back from the dead connection at once. A grace keeps a client that quit or was killed listed and callable for that long, and its call partner waits that long to learn it is gone")
		origins    repeated
		proxies    repeated
	)
	fs.Var(&proxies, "trust-proxy", "`CIDR` of a reverse proxy whose X-Forwarded-For names the client for --max-conns-per-ip (repeatable)")
	fs.Var(&origins, "allow-origin", "additional allowed Origin `pattern` (repeatable; path.Match syntax, host or scheme://host); the server's own host is always allowed")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: parley-signal [flags]\n\nParley's signaling server (MDN webrtc-from-chat protocol) and browser client.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	if (*certFile == "") != (*keyFile == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	secret := *authToken
	if auth.Mode(*authMode) == auth.ModeSigned {
		secret = *authSecret
	}
	authorizer, err := auth.New(auth.Mode(*authMode), secret)
	if err != nil {
		return fmt.Errorf("--auth %s: %w", *authMode, err)
	}
	var trusted []netip.Prefix
	for _, p := range proxies {
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			return fmt.Errorf("--trust-proxy: %w", err)
		}
		trusted = append(trusted, prefix)
	}
	var relay *turnserver.Server
	if *turnListen != "" {
		ip := net.ParseIP(*publicIP)
		if ip == nil {
			return errors.New("--turn-listen needs --public-ip (the address clients reach the relay on)")
		}
		relay, err = turnserver.Start(turnserver.Config{
			Listen: *turnListen, PublicIP: ip, Secret: *turnSecret, Realm: *turnRealm,
			AllowPrivate: *turnPriv, MaxAllocationsPerUser: *turnMax, CredentialTTL: *turnTTL, Logger: logger,
		})
		if err != nil {
			return err
		}
		defer relay.Close()
		fmt.Fprintf(stdout, "parley-signal: TURN relay on %s (udp and tcp), port %d\n", ip, relay.Port())
	}

	cfg := server.Config{
		AllowOrigins:     origins,
		MaxConnsPerIP:    *maxPerIP,
		SendQueue:        *sendQueue,
		Rate:             *rateLimit,
		Burst:            *burst,
		PingInterval:     *pingEvery,
		PingTimeout:      *pingWait,
		RegisterTimeout:  *registerIn,
		HandshakeTimeout: *handshake,
		SendQueueBytes:   *queueBytes,
		ResumeGrace:      *grace,
		Auth:             authorizer,
		TrustedProxies:   trusted,
		Logger:           logger,
	}
	if relay != nil {
		cfg.ICEServers = relay.ICEServers
	}
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if *certFile != "" {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "parley-signal: open %s://%s/\n", scheme, displayAddr(ln.Addr()))

	start := time.Now()
	err = srv.Serve(ctx, ln, *certFile, *keyFile)
	logger.Info("stopped", "uptime", time.Since(start).Round(time.Second))
	return err
}

// displayAddr turns a wildcard listen address into one a browser can open.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("localhost", fmt.Sprint(tcp.Port))
}
