package turnserver

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/pion/logging"
	"github.com/pion/turn/v5"

	"github.com/parleyhq/parley/signaling/protocol"
)

// Defaults for Config's zero values.
const (
	DefaultRealm                 = "parley"
	DefaultCredentialTTL         = 12 * time.Hour
	DefaultMaxAllocationsPerUser = 10 // a call uses one or two per peer connection; a few spare for ICE restarts
)

// Config configures the relay.
type Config struct {
	// Listen is the host:port for both UDP and TCP (":3478"). With port 0
	// the TCP listener takes the port the UDP one got.
	Listen string
	// PublicIP is the address relayed candidates advertise: the one peers
	// can reach. It is also the host in the TURN URLs handed to clients.
	PublicIP net.IP
	// RelayBind is the local address relay sockets bind to; "" means
	// 0.0.0.0.
	RelayBind string
	// Secret signs and checks credentials (coturn's static-auth-secret).
	Secret string
	// Realm is the TURN realm; "" means DefaultRealm.
	Realm string
	// AllowPrivate lets relays reach loopback, private and link-local peers:
	// for LAN deployments and tests only (see publicPeer).
	AllowPrivate bool
	// MaxAllocationsPerUser bounds live allocations per credential
	// username; 0 means DefaultMaxAllocationsPerUser.
	MaxAllocationsPerUser int
	// CredentialTTL is how long issued credentials last; 0 means
	// DefaultCredentialTTL.
	CredentialTTL time.Duration
	// Logger receives refused peers; nil discards.
	Logger *slog.Logger
}

// Server is a running relay. Close stops it.
type Server struct {
	cfg  Config
	turn *turn.Server
	port int
}

// Start listens and starts relaying.
func Start(cfg Config) (*Server, error) {
	if cfg.Secret == "" {
		return nil, errors.New("turnserver: a secret is required")
	}
	if cfg.PublicIP == nil {
		return nil, errors.New("turnserver: a public IP is required (the address peers reach the relay on)")
	}
	if cfg.Realm == "" {
		cfg.Realm = DefaultRealm
	}
	if cfg.RelayBind == "" {
		cfg.RelayBind = "0.0.0.0"
	}
	if cfg.MaxAllocationsPerUser <= 0 {
		cfg.MaxAllocationsPerUser = DefaultMaxAllocationsPerUser
	}
	if cfg.CredentialTTL <= 0 {
		cfg.CredentialTTL = DefaultCredentialTTL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}

	udp, tcp, err := listenPair(cfg.Listen)
	if err != nil {
		return nil, err
	}

	permit := func(client net.Addr, peer net.IP) bool {
		if cfg.AllowPrivate || publicPeer(peer) {
			return true
		}
		cfg.Logger.Warn("turn: peer address refused", "client", client, "peer", peer)
		return false
	}
	gen := func() turn.RelayAddressGenerator {
		return &turn.RelayAddressGeneratorStatic{RelayAddress: cfg.PublicIP, Address: cfg.RelayBind}
	}
	q := newQuota(cfg.MaxAllocationsPerUser)
	quiet := logging.NewDefaultLoggerFactory()
	quiet.DefaultLogLevel = logging.LogLevelDisabled
	ts, err := turn.NewServer(turn.ServerConfig{
		Realm:         cfg.Realm,
		AuthHandler:   turn.LongTermTURNRESTAuthHandler(cfg.Secret, quiet.NewLogger("turn")),
		QuotaHandler:  q.allow,
		EventHandler:  turn.EventHandler{OnAllocationCreated: q.created, OnAllocationDeleted: q.deleted},
		LoggerFactory: quiet,
		PacketConnConfigs: []turn.PacketConnConfig{{
			PacketConn: udp, RelayAddressGenerator: gen(), PermissionHandler: permit,
		}},
		ListenerConfigs: []turn.ListenerConfig{{
			Listener: tcp, RelayAddressGenerator: gen(), PermissionHandler: permit,
		}},
	})
	if err != nil {
		udp.Close()
		tcp.Close()
		return nil, fmt.Errorf("turnserver: %w", err)
	}
	return &Server{cfg: cfg, turn: ts, port: udp.LocalAddr().(*net.UDPAddr).Port}, nil
}

// Port is the UDP and TCP port the relay listens on.
func (s *Server) Port() int { return s.port }

// ICEServers returns fresh credentials for user as RTCIceServer entries
// (UDP and TCP transports), and when they expire. The signaling server
// calls it after a client registers and again before the expiry.
func (s *Server) ICEServers(user string) ([]protocol.ICEServer, time.Time, error) {
	c, err := Issue(s.cfg.Secret, user, s.cfg.CredentialTTL)
	if err != nil {
		return nil, time.Time{}, err
	}
	hostPort := net.JoinHostPort(s.cfg.PublicIP.String(), strconv.Itoa(s.port))
	return []protocol.ICEServer{{
		URLs:       []string{"turn:" + hostPort + "?transport=udp", "turn:" + hostPort + "?transport=tcp"},
		Username:   c.Username,
		Credential: c.Password,
	}}, c.Expires, nil
}

// Close stops the relay and frees every allocation.
func (s *Server) Close() error { return s.turn.Close() }

// listenPair opens UDP and TCP on one port. With port 0 the UDP socket
// picks it, and that number may already be taken for TCP by an unrelated
// socket (seen in CI: "bind: address already in use"): then it tries
// another, a few times.
func listenPair(addr string) (net.PacketConn, net.Listener, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("turnserver: listen address: %w", err)
	}
	tries := 1
	if portText == "0" {
		tries = 10
	}
	for i := 0; ; i++ {
		udp, err := net.ListenPacket("udp4", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("turnserver: udp: %w", err)
		}
		port := udp.LocalAddr().(*net.UDPAddr).Port
		tcp, err := net.Listen("tcp4", net.JoinHostPort(host, strconv.Itoa(port)))
		if err == nil {
			return udp, tcp, nil
		}
		udp.Close()
		if i+1 >= tries {
			return nil, nil, fmt.Errorf("turnserver: tcp: %w", err)
		}
	}
}
