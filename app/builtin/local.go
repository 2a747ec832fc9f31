package builtin

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/parleyhq/parley/app/lan"
	"github.com/parleyhq/parley/app/settings"
	"github.com/parleyhq/parley/signaling/client"
	"github.com/parleyhq/parley/signaling/protocol"
)

// LocalConfig configures StartLocal.
type LocalConfig struct {
	Config
	// Discovery advertises the server on the LAN and follows the other
	// desktops' (Meeting). Off, or with a server bound to loopback, the
	// desktop meets on its own server only.
	Discovery bool
	// Host is this desktop's user name, advertised with the server.
	Host string
	// Pins remembers the certificates of LAN servers joined; nil: none.
	Pins *settings.Pins
	// OnMove is MeetingConfig.OnMove.
	OnMove func(Place)
}

// Local is a desktop's built-in server with the Meeting that decides
// whether to use it or another desktop's.
type Local struct {
	*Server
	*Meeting
	ctx  context.Context
	log  *slog.Logger
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu        sync.Mutex
	discovery *lan.Discovery // nil when off
}

// StartLocal starts the built-in server and, when asked, LAN discovery.
// A discovery that cannot start (no multicast interface) leaves the
// desktop on its own server, with the reason logged.
func StartLocal(ctx context.Context, cfg LocalConfig) (*Local, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv, err := Start(ctx, cfg.Config)
	if err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(ctx)
	l := &Local{Server: srv, ctx: ctx, log: log, stop: stop}
	mc := MeetingConfig{Server: srv, Host: cfg.Host, Pins: cfg.Pins, OnMove: cfg.OnMove, Logger: log.With("component", "lan")}
	if d, err := l.startDiscovery(cfg.Discovery); err != nil {
		log.Warn("LAN discovery could not start; using this desktop's own server", "err", err)
	} else if d != nil {
		l.discovery = d
		mc.Discovery = d
	}
	l.Meeting = NewMeeting(mc)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		l.Meeting.Run(ctx)
	}()
	return l, nil
}

// Follow makes a signaling link dial wherever the Meeting says, and
// tells the Meeting how each connection went. OnMove should Refresh the
// link, to move it at once.
func (l *Local) Follow(cfg *client.LinkConfig) {
	var dialled atomic.Value // the URL of the latest attempt
	dialled.Store("")
	cfg.Target = func() (string, *tls.Config) {
		url, conf := l.Meeting.Target()
		dialled.Store(url)
		return url, conf
	}
	user := cfg.OnStatus
	cfg.OnStatus = func(st protocol.LinkStatus, err error) {
		url := dialled.Load().(string)
		switch {
		case st == protocol.LinkOnline:
			l.Meeting.Connected(url)
		case err != nil && !errors.Is(err, client.ErrClosed):
			l.Meeting.Failed(url, err) // an attempt failed, or the link stopped
		}
		if user != nil {
			user(st, err)
		}
	}
}

// startDiscovery starts LAN discovery when on and worth it; nil, nil when not.
func (l *Local) startDiscovery(on bool) (*lan.Discovery, error) {
	switch {
	case !on:
		l.log.Info("LAN discovery off")
		return nil, nil
	case l.Server.Loopback():
		l.log.Info("LAN discovery off: the built-in server listens on loopback only")
		return nil, nil
	}
	return lan.Start(l.ctx, lan.Config{Logger: l.log.With("component", "mdns")})
}

// SetDiscovery turns LAN discovery on or off at once: off says goodbye on
// the LAN and brings the session back to this desktop's own server; on
// advertises it again and follows the others'.
func (l *Local) SetDiscovery(on bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if on == (l.discovery != nil) {
		return nil
	}
	if !on {
		d := l.discovery
		l.discovery = nil
		l.Meeting.setDiscoverer(nil)
		l.log.Info("LAN discovery off")
		return d.Close()
	}
	d, err := l.startDiscovery(true)
	if err != nil || d == nil {
		return err
	}
	l.discovery = d
	l.Meeting.setDiscoverer(d)
	return nil
}

// Close withdraws the advertisement (a goodbye, so the others move at
// once), stops the server and waits for everything Local started.
func (l *Local) Close() {
	l.mu.Lock()
	if l.discovery != nil {
		_ = l.discovery.Close()
		l.discovery = nil
	}
	l.mu.Unlock()
	l.stop()
	l.wg.Wait()
	l.Server.Close()
}
