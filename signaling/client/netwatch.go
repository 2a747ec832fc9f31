package client

import (
	"net"
	"net/url"
	"slices"
	"time"
)

// addrPoll is how often the watch looks: often enough that a changed
// network is acted on well before ICE gives up on the call (2 s of
// silence, then 3 s before a restart), cheap enough (one netlink dump) to
// run all the time.
const addrPoll = time.Second

// watchSource calls gone when the address the server connection went out
// from is no longer one of the machine's addresses, until done is closed.
// Such a connection is dead, but nothing says so: its packets just stop,
// and pings would take up to 25 s to notice. A link that is only down for
// a moment keeps its address, and its connection may well survive, so it
// is left alone; so is every other address coming or going (a VPN, IPv6
// addresses flushed with a link).
//
// online is bumped each time the link connects; source says which
// address the machine would use to reach the server now, which right after
// a connect is the one the connection uses. addrs lists the machine's
// addresses.
func watchSource(done <-chan struct{}, every time.Duration, online func() uint64,
	source func() (string, error), addrs func() ([]string, error), gone func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	var used string
	var seen uint64
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		if n := online(); n != seen {
			if src, err := source(); err == nil {
				used, seen = src, n
			}
		}
		if used == "" {
			continue
		}
		if now, err := addrs(); err == nil && !slices.Contains(now, used) {
			used = ""
			gone()
		}
	}
}

// sourceFor tells which local address the machine would send from to
// reach the server at rawURL. It connects a UDP socket, which sends
// nothing but makes the kernel pick the route.
func sourceFor(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "wss" || u.Scheme == "https" {
			port = "443"
		}
	}
	c, err := net.Dial("udp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return "", err
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).IP.String(), nil
}

// machineAddrs lists the machine's addresses.
func machineAddrs() ([]string, error) {
	as, err := net.InterfaceAddrs()
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(as))
	for _, a := range as {
		if ipn, ok := a.(*net.IPNet); ok {
			out = append(out, ipn.IP.String())
		}
	}
	return out, nil
}
