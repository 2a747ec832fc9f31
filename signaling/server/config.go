package server

import (
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"time"

	"github.com/parleyhq/parley/signaling/hub"
	"github.com/parleyhq/parley/signaling/web"
)

// Defaults for Config's zero values.
const (
	DefaultMaxConnsPerIP    = 32
	DefaultSendQueue        = 256
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
