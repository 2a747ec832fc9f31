package backend

import (
	"crypto/tls"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/parleyhq/parley/app/builtin"
	"github.com/parleyhq/parley/app/settings"
	"github.com/parleyhq/parley/signaling/client"
	"github.com/parleyhq/parley/signaling/invite"
)

// EventServer carries ServerInfo whenever the server this desktop meets
// on changes: another desktop's built-in server found on the LAN, or its
// own again when that one went away.
const EventServer = "server"

// ServerInfo is what ServerInfo() returns to the page, and the "server"
// event's payload: the server in use, and how to invite others to it.
type ServerInfo struct {
	// Embedded is set while the app signs in to a built-in server, its own
	// or another desktop's found on the LAN; not when a server is set.
	Embedded bool `json:"embedded"`
	// Links are the invite links to give others (https://…/?fp=…): a
	// browser opens them, and a Parley desktop joins with them.
	Links []string `json:"links"`
	// Fingerprint is the SHA-256 of the built-in server's certificate.
	Fingerprint string `json:"fingerprint"`
	// Host is the user whose desktop runs the server in use, when it is
	// another desktop's; "" for this desktop's own.
	Host string `json:"host"`
	// FirstJoin is set when this desktop has just joined that desktop's
	// server for the first time: the page shows its host and fingerprint,
	// which later joins hold it to.
	FirstJoin bool `json:"firstJoin"`
	// Discovery says whether the app looks for other desktops on the LAN.
	Discovery bool `json:"discovery"`
}

// ServerInfo describes the server in use for the page's "invite" box.
func (a *App) ServerInfo() ServerInfo {
	if a.local == nil || a.serverURL() != "" {
		return ServerInfo{Links: []string{}}
	}
	return a.placeInfo(a.local.Place())
}

func (a *App) placeInfo(p builtin.Place) ServerInfo {
	info := ServerInfo{Embedded: true, Links: []string{}, Fingerprint: p.Fingerprint, Host: p.Host, FirstJoin: p.FirstJoin, Discovery: a.discovery()}
	for _, l := range p.Links {
		info.Links = append(info.Links, l.String())
	}
	return info
}

// onMove follows the LAN's meeting place: the page hears of it, and the
// signaling link moves there at once, keeping a call.
func (a *App) onMove(p builtin.Place) {
	if a.serverURL() != "" {
		return
	}
	a.events.push(EventServer, a.placeInfo(p))
	if a.conn != nil {
		a.conn.move()
	}
}

// JoinLink signs in to the server an invite link names, accepting exactly
// the certificate it names, and keeps both: the server becomes the one in
// Settings and the certificate is pinned for it. A link from a browser or
// a chat arrives here too (parley:// links and --join).
func (a *App) JoinLink(link string) error {
	l, err := invite.Parse(link)
	if err != nil {
		why := strings.TrimPrefix(err.Error(), invite.ErrBadLink.Error()+": ")
		return errors.New("That is not a Parley invite link: " + why + ". The link to use is under Settings, on the computer whose server it is.")
	}
	if a.pins != nil {
		if err := a.pins.Set(settings.LinkKey(l.Host), settings.Pin{Fingerprint: l.Fingerprint, At: time.Now()}); err != nil {
			return errors.New("the server's certificate could not be remembered: " + err.Error())
		}
	}
	a.mu.Lock()
	next := a.settings
	a.serverFlag = "" // the link wins over --server for this run
	a.mu.Unlock()
	next.SignalingURL = l.WebSocketURL()
	if err := a.save(next); err != nil {
		return err
	}
	a.log.Info("joining by link", "server", next.SignalingURL, "fingerprint", l.Fingerprint)
	a.syncDiscovery()
	a.restartWhenIdle()
	return nil
}

// OpenLink is JoinLink for a link the system hands over (a parley:// link
// opened at start, or clicked while the window is open): there is no
// caller to return an error to, so it goes to the page as an error event.
func (a *App) OpenLink(link string) {
	if err := a.JoinLink(link); err != nil {
		a.emitError("signaling", err.Error())
	}
}

// serverTLS is the TLS configuration for a server set by URL: the pinned
// certificate when a link pinned one for its address, else nil (the
// system's certificate authorities, for a server with a real certificate).
func (a *App) serverTLS(raw string) *tls.Config {
	u, err := url.Parse(raw)
	if err != nil || a.pins == nil {
		return nil
	}
	pin, ok := a.pins.Get(settings.LinkKey(u.Host))
	if !ok {
		return nil
	}
	conf, err := client.PinnedTLS(pin.Fingerprint)
	if err != nil {
		return nil
	}
	return conf
}

// discovery says whether the app takes part in the LAN's meeting: the
// settings allow it, --no-discovery does not forbid it, and no server is
// set (a desktop signed in elsewhere would only lure the others to a
// server its own user is not on).
func (a *App) discovery() bool {
	if a.serverURL() != "" {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.settings.Discovery && !a.opts.NoDiscovery
}

// syncDiscovery applies a change of the discovery setting or of the
// server at once.
func (a *App) syncDiscovery() {
	if a.local == nil {
		return
	}
	if err := a.local.SetDiscovery(a.discovery()); err != nil {
		a.emitError("signaling", "Looking for other Parley desktops on this network failed: "+err.Error())
	}
}
