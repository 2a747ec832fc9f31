package server

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net/netip"
	"path"
	"time"

	"github.com/parleyhq/parley/signaling/auth"
	"github.com/parleyhq/parley/signaling/hub"
	"github.com/parleyhq/parley/signaling/protocol"
	"github.com/parleyhq/parley/signaling/web"
)

// Defaults for Config's zero values.
const (
	DefaultMaxConnsPerIP    = 32
	DefaultSendQueue        = 256
	DefaultSendQueueBytes   = 4 << 20 // 256 frames of up to 64 KiB would be 16 MiB per client
	DefaultPingInterval     = 20 * time.Second
	DefaultPingTimeout      = 20 * time.Second // with the interval: a dead peer goes within 60 s
	DefaultRegisterTimeout  = 30 * time.Second
	DefaultHandshakeTimeout = 10 * time.Second
	DefaultWriteTimeout     = 10 * time.Second
	DefaultRate             = 50  // messages per second, sustained
	DefaultBurst            = 100 // messages above the rate that are let through at once
	DefaultRateViolations   = 50  // dropped messages in a row before the connection closes
)

// Config holds every limit of the server. Zero values take the defaults
// above, so Config{} is a production configuration; tests shrink the
// intervals to run fast.
type Config struct {
	// AllowOrigins are extra Origin patterns accepted besides the server's
	// own host (path.Match syntax; a pattern with "://" matches
	// scheme://host, otherwise the host). Requests without an Origin header
	// (non-browser clients) are always accepted.
	AllowOrigins []string
	// MaxConnsPerIP caps concurrent WebSocket connections from one remote
	// address; more are refused with HTTP 429. Negative disables the cap.
	MaxConnsPerIP int
	// SendQueue is the number of frames queued for one client; a client
	// whose queue is full is a slow consumer and is disconnected.
	SendQueue int
	// SendQueueBytes bounds the bytes queued for one client the same way:
	// a few large frames (user lists, offers) fill it long before
	// SendQueue frames do.
	SendQueueBytes int
	// Auth decides which upgrade requests may connect and which name they
	// may register; nil means open (anyone, any name).
	Auth auth.Authorizer
	// ICEServers, if set, issues ICE servers (TURN credentials) for a user
	// and says when they expire. Each client gets them after it registers
	// and again before they expire.
	ICEServers func(user string) ([]protocol.ICEServer, time.Time, error)
	// TrustedProxies are the addresses (CIDR prefixes) of reverse proxies
	// whose X-Forwarded-For header names the real client for the per-IP
	// cap. Empty: the header is ignored, as anyone can send it.
	TrustedProxies []netip.Prefix
	// PingInterval is how often the server pings a client; PingTimeout is
	// how long it waits for the pong before dropping the connection.
	PingInterval time.Duration
	PingTimeout  time.Duration
	// RegisterTimeout closes connections that have not sent "username".
	RegisterTimeout time.Duration
	// HandshakeTimeout bounds reading the HTTP request (ReadHeaderTimeout),
	// so half-open TCP connections are dropped. Used by HTTPServer and Serve.
	HandshakeTimeout time.Duration
	// WriteTimeout bounds writing what is queued for a client at one time
	// (at most SendQueue frames); a client that cannot take it is dropped.
	WriteTimeout time.Duration
	// Rate and Burst are the per-connection token bucket for client frames.
	// Frames over it are dropped with a rate-limited error; after
	// RateViolations dropped frames in a row the connection is closed (1008).
	Rate           float64
	Burst          int
	RateViolations int
	// CoalesceInterval and CoalescePerUser are passed to the hub (user-list
	// update batching; see hub.Config).
	CoalesceInterval time.Duration
	CoalescePerUser  time.Duration
	// ResumeGrace is passed to the hub: how long a disconnected client's
	// name and calls wait for it to come back with its resume token.
	ResumeGrace time.Duration
	// Router is passed to the hub; nil means hub.NewLocalRouter().
	Router hub.Router
	// Static is served for plain HTTP requests; nil means web.FS.
	Static fs.FS
	// Logger receives connection events and errors; nil discards them.
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	for _, p := range c.AllowOrigins {
		if _, err := path.Match(p, ""); err != nil {
			return c, fmt.Errorf("server: bad origin pattern %q: %w", p, err)
		}
	}
	if c.MaxConnsPerIP == 0 {
		c.MaxConnsPerIP = DefaultMaxConnsPerIP
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.PingInterval, DefaultPingInterval)
	def(&c.PingTimeout, DefaultPingTimeout)
	def(&c.RegisterTimeout, DefaultRegisterTimeout)
	def(&c.HandshakeTimeout, DefaultHandshakeTimeout)
	def(&c.WriteTimeout, DefaultWriteTimeout)
	if c.SendQueueBytes <= 0 {
		c.SendQueueBytes = DefaultSendQueueBytes
	}
	if c.Auth == nil {
		c.Auth, _ = auth.New(auth.ModeOpen, "")
	}
	if c.SendQueue <= 0 {
		c.SendQueue = DefaultSendQueue
	}
	if c.Rate <= 0 {
		c.Rate = DefaultRate
	}
	if c.Burst <= 0 {
		c.Burst = DefaultBurst
	}
	if c.RateViolations <= 0 {
		c.RateViolations = DefaultRateViolations
	}
	if c.Static == nil {
		c.Static = web.FS
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}
