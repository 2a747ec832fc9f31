package builtin

import (
	"context"
	"net/netip"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/lan"
	"github.com/parleyhq/parley/app/settings"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/client"
)

// lanView is what a Discoverer reports: the services a test puts there.
type lanView struct {
	mu          sync.Mutex
	svcs        []lan.Service
	advertised  []lan.Service
	reconfirmed []string
	changes     chan struct{}
}

func newLANView() *lanView { return &lanView{changes: make(chan struct{}, 1)} }

func (v *lanView) Advertise(s lan.Service) {
	v.mu.Lock()
	v.advertised = append(v.advertised, s)
	v.mu.Unlock()
}

func (v *lanView) Services() []lan.Service {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]lan.Service(nil), v.svcs...)
}

func (v *lanView) Changes() <-chan struct{} { return v.changes }

func (v *lanView) Reconfirm(instance string) {
	v.mu.Lock()
	v.reconfirmed = append(v.reconfirmed, instance)
	v.mu.Unlock()
}

func (v *lanView) set(svcs ...lan.Service) {
	v.mu.Lock()
	v.svcs = svcs
	v.mu.Unlock()
	select {
	case v.changes <- struct{}{}:
	default:
	}
}

func startServer(t *testing.T) *Server {
	t.Helper()
	s, err := Start(context.Background(), Config{Addr: "127.0.0.1:0", CertDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// peerService is how another desktop's server would be advertised.
func peerService(t *testing.T, since time.Time) lan.Service {
	t.Helper()
	s := startServer(t)
	return lan.Service{Instance: InstanceName(s.Fingerprint()), Host: "alice", Fingerprint: s.Fingerprint(),
		Port: s.Port(), Since: since, Addrs: []netip.Addr{netip.MustParseAddr("127.0.0.1")}}
}

func TestMeetingFollowsTheOldestServer(t *testing.T) {
	own := startServer(t)
	view := newLANView()
	pins, err := settings.OpenPins(filepath.Join(t.TempDir(), "pins.json"))
	if err != nil {
		t.Fatal(err)
	}
	moves := make(chan Place, 8)
	m := NewMeeting(MeetingConfig{Server: own, Discovery: view, Host: "me", Pins: pins, OnMove: func(p Place) { moves <- p }})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx)
	<-m.Ready()
	if p := m.Place(); !p.Own {
		t.Fatalf("alone on the LAN, the place is %+v", p)
	}
	if len(view.advertised) != 1 || view.advertised[0].Host != "me" || view.advertised[0].Instance != InstanceName(own.Fingerprint()) {
		t.Fatalf("advertised %+v", view.advertised)
	}

	// A younger desktop does not move us; an older one does, once.
	younger := peerService(t, own.Since().Add(time.Hour))
	older := peerService(t, own.Since().Add(-time.Hour))
	view.set(younger)
	view.set(younger, older)
	p := <-moves
	if p.Own || p.Instance != older.Instance || !p.FirstJoin || p.Host != "alice" || p.URL != "wss://127.0.0.1:"+strconv.Itoa(older.Port)+"/" {
		t.Fatalf("moved to %+v, want alice's older server, first join", p)
	}
	if pin, ok := pins.Get(settings.LANKey(older.Instance)); !ok || pin.Fingerprint != older.Fingerprint {
		t.Fatalf("the first join was not pinned: %+v", pin)
	}
	// The session dials it with its certificate pinned.
	url, conf := m.Target()
	c, err := client.Dial(ctx, client.Config{URL: url, Name: "me", TLS: conf})
	if err != nil {
		t.Fatalf("dialling the chosen server: %v", err)
	}
	c.Close()

	// It quits (goodbye): back to our own server.
	view.set(younger)
	if p := <-moves; !p.Own {
		t.Fatalf("after the host left: %+v", p)
	}
	// It comes back: no longer a first join.
	view.set(younger, older)
	if p := <-moves; p.FirstJoin || p.Instance != older.Instance {
		t.Fatalf("second join: %+v", p)
	}
}

func TestMeetingSkips(t *testing.T) {
	own := startServer(t)
	old := own.Since().Add(-time.Hour)
	pins, err := settings.OpenPins(filepath.Join(t.TempDir(), "pins.json"))
	if err != nil {
		t.Fatal(err)
	}
	token := peerService(t, old)
	token.TokenNeeded = true
	misnamed := peerService(t, old)
	misnamed.Instance = "parley-0000000000000000"
	noAddr := peerService(t, old)
	noAddr.Addrs = []netip.Addr{netip.MustParseAddr("fe80::1%eth0")} // no URL can name it
	changed := peerService(t, old)
	if err := pins.Set(settings.LANKey(changed.Instance), settings.Pin{Fingerprint: own.Fingerprint()}); err != nil {
		t.Fatal(err)
	}
	view := newLANView()
	view.set(token, misnamed, noAddr, changed)
	m := NewMeeting(MeetingConfig{Server: own, Discovery: view, Pins: pins})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx)
	<-m.Ready()
	if p := m.Place(); !p.Own {
		t.Fatalf("joined %+v: a token-only, misnamed, unreachable or re-keyed server", p)
	}
}

func TestMeetingFailures(t *testing.T) {
	own := startServer(t)
	a, b := peerService(t, own.Since().Add(-2*time.Hour)), peerService(t, own.Since().Add(-time.Hour))
	view := newLANView()
	view.set(a, b)
	m := NewMeeting(MeetingConfig{Server: own, Discovery: view})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx)
	<-m.Ready()
	if p := m.Place(); p.Instance != a.Instance {
		t.Fatalf("chose %+v, want the oldest", p)
	}
	// A's connections keep failing while it still answers queries: after
	// maxFailures it is skipped, and the Meeting moves to B.
	for i := range maxFailures + 1 {
		url, _ := m.Target()
		m.Failed(url, context.DeadlineExceeded)
		if i == 0 { // a quick retry after the same outage counts once
			continue
		}
		m.mu.Lock()
		m.lastFail[a.Instance] = time.Now().Add(-failureSpacing)
		m.mu.Unlock()
	}
	if p := m.Place(); p.Instance != b.Instance {
		t.Fatalf("after %d failures: %+v, want the next oldest", maxFailures, p)
	}
	if len(view.reconfirmed) != maxFailures+1 || view.reconfirmed[0] != a.Instance {
		t.Fatalf("reconfirmed %v", view.reconfirmed)
	}
	// B presents another certificate than advertised: refused at once.
	url, _ := m.Target()
	m.Failed(url, &client.IdentityError{Pinned: b.Fingerprint, Presented: own.Fingerprint()})
	testwait.Until(t, "back on our own server", 5*time.Second, func() bool { return m.Place().Own })
}

// Discovery switched off while meeting on another desktop's server brings
// the session home at once; switched on again, it goes back.
func TestMeetingDiscoverySwitchedOffAndOn(t *testing.T) {
	own := startServer(t)
	older := peerService(t, own.Since().Add(-time.Hour))
	view := newLANView()
	view.set(older)
	moves := make(chan Place, 8)
	m := NewMeeting(MeetingConfig{Server: own, OnMove: func(p Place) { moves <- p }})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx)
	<-m.Ready()
	if !m.Place().Own {
		t.Fatalf("discovery off from the start, yet: %+v", m.Place())
	}
	m.setDiscoverer(view)
	if p := <-moves; p.Instance != older.Instance {
		t.Fatalf("discovery on: %+v", p)
	}
	view.mu.Lock()
	advertised := len(view.advertised)
	view.mu.Unlock()
	if advertised == 0 {
		t.Fatal("discovery switched on, but this desktop's server was not advertised")
	}
	m.setDiscoverer(nil)
	if p := <-moves; !p.Own {
		t.Fatalf("discovery off: %+v", p)
	}
}
