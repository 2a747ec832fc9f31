package builtin

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/parleyhq/parley/app/lan"
	"github.com/parleyhq/parley/app/settings"
	"github.com/parleyhq/parley/signaling/client"
	"github.com/parleyhq/parley/signaling/invite"
	"github.com/parleyhq/parley/signaling/selfsigned"
)

// Discoverer is the part of lan.Discovery a Meeting uses.
type Discoverer interface {
	Advertise(lan.Service)
	Services() []lan.Service
	Changes() <-chan struct{}
	Reconfirm(instance string)
}

var _ Discoverer = (*lan.Discovery)(nil)

// Meeting chooses where this desktop signs in when no server is set: the
// longest-running built-in server among the Parley desktops found on the
// LAN, its own included. Every desktop sees the same advertisements and
// applies the same rule (earliest start, then the lowest instance name),
// so they all meet on one server without talking it over. When that
// desktop quits (it says goodbye) or dies (the connection to it fails and
// it does not answer a query), the rule picks the next one, and the
// signaling link moves there; calls go on, since media is peer to peer.
// docs/architecture.md ("Desktops on one LAN") has the failure cases.
type Meeting struct {
	cfg      MeetingConfig
	instance string
	settled  chan struct{}
	rewired  chan struct{} // setDiscoverer was called

	mu       sync.Mutex
	disc     Discoverer // cfg.Discovery until setDiscoverer
	host     string     // this desktop's user, advertised
	place    Place
	failures map[string]int       // failed connections in a row, by instance
	lastFail map[string]time.Time // when the last one counted
	benched  map[string]time.Time // instances skipped until then
	refused  map[string]bool      // instances whose identity did not match their pin
}

// MeetingConfig configures a Meeting. Server is required.
type MeetingConfig struct {
	// Server is this desktop's own built-in server: always a candidate.
	Server *Server
	// Discovery finds the other desktops and advertises this one; nil
	// means the own server only (discovery off).
	Discovery Discoverer
	// Host is this desktop's user name, advertised with the server.
	Host string
	// Pins remembers the certificates of servers joined; nil remembers
	// nothing, and every join counts as a first one.
	Pins *settings.Pins
	// OnMove is called, from the Meeting's goroutine, whenever the chosen
	// place changes (not for the first choice, which Ready reports).
	OnMove func(Place)
	// Logger gets diagnostics; nil discards them.
	Logger *slog.Logger
}

// Place is a server to sign in to.
type Place struct {
	URL         string
	Fingerprint string
	Instance    string
	Host        string // the host desktop's user; "" when Own
	Own         bool
	// FirstJoin is set on a place on another desktop that was not pinned
	// before: the user should see its fingerprint and host once.
	FirstJoin bool
	// Links are the invite links to this place.
	Links []invite.Link
}

// Tunables of the rule; see the failure cases in docs/architecture.md.
const (
	// settleTime is how long a desktop listens for the others before it
	// first chooses, so that it does not sign in to its own server only to
	// move a moment later. Answers to the first query take milliseconds.
	settleTime = 700 * time.Millisecond
	// maxFailures is how many connections in a row may fail to a desktop
	// that still answers queries before it is skipped for benchTime: its
	// process runs but its server cannot be reached from here.
	maxFailures    = 3
	failureSpacing = time.Second
	benchTime      = time.Minute
)

// InstanceName is the DNS-SD instance name of a server with this
// certificate fingerprint. It is derived from the certificate, so an
// advertisement cannot claim a known desktop's name with another
// certificate: Meeting ignores a service whose name and fingerprint
// disagree.
func InstanceName(fingerprint string) string {
	return "parley-" + selfsigned.FingerprintHex(fingerprint)[:16]
}

// NewMeeting returns a Meeting; Run makes it follow the LAN.
func NewMeeting(cfg MeetingConfig) *Meeting {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Meeting{
		cfg:      cfg,
		instance: InstanceName(cfg.Server.Fingerprint()),
		settled:  make(chan struct{}),
		rewired:  make(chan struct{}, 1),
		disc:     cfg.Discovery,
		host:     cfg.Host,
		failures: map[string]int{},
		lastFail: map[string]time.Time{},
		benched:  map[string]time.Time{},
		refused:  map[string]bool{},
	}
	m.place = m.own()
	return m
}

func (m *Meeting) own() Place {
	s := m.cfg.Server
	return Place{URL: s.LocalURL(), Fingerprint: s.Fingerprint(), Instance: m.instance, Own: true, Links: s.Links()}
}

func (m *Meeting) service() lan.Service {
	s := m.cfg.Server
	m.mu.Lock()
	defer m.mu.Unlock()
	return lan.Service{Instance: m.instance, Host: m.host, Fingerprint: s.Fingerprint(), Port: s.Port(), Since: s.Since()}
}

// Run advertises this desktop's server and follows the others' until ctx
// ends.
func (m *Meeting) Run(ctx context.Context) {
	settleAfter := settleTime
	if m.discoverer() == nil {
		settleAfter = 0 // nobody to listen for
	} else {
		m.discoverer().Advertise(m.service())
	}
	settle := time.NewTimer(settleAfter)
	defer settle.Stop()
	tick := time.NewTicker(5 * time.Second) // benched desktops come back
	defer tick.Stop()
	for {
		var changes <-chan struct{}
		if d := m.discoverer(); d != nil {
			changes = d.Changes()
		}
		select {
		case <-ctx.Done():
			return
		case <-settle.C:
			m.choose()
			close(m.settled)
		case <-changes:
		case <-m.rewired:
			if d := m.discoverer(); d != nil {
				d.Advertise(m.service())
			}
		case <-tick.C:
		}
		if m.isSettled() {
			m.choose()
		}
	}
}

// discoverer is the Discoverer in use, nil while discovery is off.
func (m *Meeting) discoverer() Discoverer {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.disc
}

// setDiscoverer swaps the Discoverer (nil: off) while Run runs; the next
// choice follows it.
func (m *Meeting) setDiscoverer(d Discoverer) {
	m.mu.Lock()
	m.disc = d
	m.mu.Unlock()
	select {
	case m.rewired <- struct{}{}:
	default:
	}
}

func (m *Meeting) isSettled() bool {
	select {
	case <-m.settled:
		return true
	default:
		return false
	}
}

// Ready is closed once the first choice is made.
func (m *Meeting) Ready() <-chan struct{} { return m.settled }

// Place is the current choice.
func (m *Meeting) Place() Place {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.place
}

// SetHost changes the user name advertised with the server.
func (m *Meeting) SetHost(name string) {
	m.mu.Lock()
	changed := m.host != name
	m.host = name
	m.mu.Unlock()
	if d := m.discoverer(); changed && d != nil {
		d.Advertise(m.service())
	}
}

// Target is client.LinkConfig.Target: the current place's URL, with TLS
// that accepts exactly its certificate.
func (m *Meeting) Target() (string, *tls.Config) {
	p := m.Place()
	if p.Own {
		return p.URL, m.cfg.Server.ClientTLS()
	}
	conf, err := client.PinnedTLS(p.Fingerprint)
	if err != nil { // cannot happen: candidates have valid fingerprints
		return m.cfg.Server.LocalURL(), m.cfg.Server.ClientTLS()
	}
	return p.URL, conf
}

// Connected says the session is signed in to url: the failures count
// starts again.
func (m *Meeting) Connected(url string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.place.URL == url {
		delete(m.failures, m.place.Instance)
	}
}

// Failed says a connection to url failed with err. A desktop that does not
// answer a query at once is gone (Reconfirm); one whose certificate does
// not match is refused for this run; one that keeps failing while it
// answers is skipped for a while. Each leads to a new choice.
func (m *Meeting) Failed(url string, err error) {
	m.mu.Lock()
	p := m.place
	if p.Own || p.URL != url {
		m.mu.Unlock()
		return
	}
	var ie *client.IdentityError
	now := time.Now()
	switch {
	case errors.As(err, &ie):
		m.refused[p.Instance] = true
		m.cfg.Logger.Warn("LAN server refused: identity mismatch", "instance", p.Instance, "host", p.Host, "err", err)
	case now.Sub(m.lastFail[p.Instance]) < failureSpacing:
		// Quick retries after one outage are one failure, not several.
	default:
		m.lastFail[p.Instance] = now
		if m.failures[p.Instance]++; m.failures[p.Instance] >= maxFailures {
			m.benched[p.Instance] = now.Add(benchTime)
			delete(m.failures, p.Instance)
			m.cfg.Logger.Warn("LAN server unreachable; skipping it for a while", "instance", p.Instance, "host", p.Host, "err", err)
		}
	}
	m.mu.Unlock()
	if d := m.discoverer(); d != nil {
		d.Reconfirm(p.Instance)
	}
	m.choose()
}

// choose applies the rule and moves when the winner changed.
func (m *Meeting) choose() {
	var svcs []lan.Service
	if d := m.discoverer(); d != nil {
		svcs = d.Services()
	}
	now := time.Now()
	own := m.cfg.Server
	best := lan.Service{Instance: m.instance, Since: own.Since()}
	m.mu.Lock()
	for _, s := range svcs {
		if !m.eligible(s, now) {
			continue
		}
		if c := cmp.Or(s.Since.Compare(best.Since), cmp.Compare(s.Instance, best.Instance)); c < 0 {
			best = s
		}
	}
	prev := m.place
	if best.Instance == prev.Instance && (prev.Own || sameAddr(prev, best)) {
		m.mu.Unlock()
		return
	}
	next := m.own()
	if best.Instance != m.instance {
		next = m.remote(best)
	}
	m.place = next
	m.mu.Unlock()
	m.cfg.Logger.Info("LAN meeting place", "own", next.Own, "host", next.Host, "url", next.URL, "fingerprint", next.Fingerprint, "first_join", next.FirstJoin)
	if m.isSettled() && m.cfg.OnMove != nil {
		m.cfg.OnMove(next)
	}
}

// eligible says whether s may be chosen; m.mu is held.
func (m *Meeting) eligible(s lan.Service, now time.Time) bool {
	switch {
	case s.Instance == m.instance, s.TokenNeeded, len(preferred(s.Addrs)) == 0, m.refused[s.Instance]:
		// Without an invite token there is no joining a server that
		// wants one; the link that carries it is the way in.
		return false
	case s.Instance != InstanceName(s.Fingerprint):
		return false
	case now.Before(m.benched[s.Instance]):
		return false
	}
	if m.cfg.Pins != nil {
		if pin, ok := m.cfg.Pins.Get(settings.LANKey(s.Instance)); ok && pin.Fingerprint != s.Fingerprint {
			m.refused[s.Instance] = true
			m.cfg.Logger.Warn("LAN server refused: identity changed", "instance", s.Instance, "host", s.Host,
				"pinned", pin.Fingerprint, "advertised", s.Fingerprint)
			return false
		}
	}
	return true
}

// remote makes a Place of another desktop's service, pinning it on first
// sight; m.mu is held.
func (m *Meeting) remote(s lan.Service) Place {
	addrs := preferred(s.Addrs)
	p := Place{Fingerprint: s.Fingerprint, Instance: s.Instance, Host: s.Host}
	for _, a := range addrs {
		p.Links = append(p.Links, invite.Link{Host: net.JoinHostPort(a.String(), strconv.Itoa(s.Port)), Fingerprint: s.Fingerprint})
	}
	p.URL = p.Links[0].WebSocketURL()
	key := settings.LANKey(s.Instance)
	if m.cfg.Pins == nil {
		p.FirstJoin = true
	} else if _, ok := m.cfg.Pins.Get(key); !ok {
		p.FirstJoin = true
		if err := m.cfg.Pins.Set(key, settings.Pin{Fingerprint: s.Fingerprint, Host: s.Host, At: time.Now()}); err != nil {
			m.cfg.Logger.Warn("could not remember a LAN server's certificate", "err", err)
		}
	}
	return p
}

// preferred is the addresses a URL can name, in lan.Service's order (IPv4
// first; the certificate's check does not depend on which address is
// dialled). Zoned (link-local IPv6) addresses are left out: a URL cannot
// carry the zone the WebSocket dialer would need.
func preferred(addrs []netip.Addr) []netip.Addr {
	return slices.DeleteFunc(slices.Clone(addrs), func(a netip.Addr) bool { return a.Zone() != "" })
}

// sameAddr says whether s still has the address p dials.
func sameAddr(p Place, s lan.Service) bool {
	for _, a := range s.Addrs {
		if (invite.Link{Host: net.JoinHostPort(a.String(), strconv.Itoa(s.Port))}).WebSocketURL() == p.URL {
			return true
		}
	}
	return false
}
