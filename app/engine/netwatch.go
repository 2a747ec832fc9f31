package engine

import (
	"net"
	"slices"
	"time"
)

// addrPoll is how often the machine's addresses are compared: often enough
// that a changed network is acted on well before ICE gives up on the call
// (2 s of silence, then 3 s before a restart), cheap enough (one netlink
// dump) to run all the time.
const addrPoll = time.Second

// watchAddrs calls gone whenever an address the machine had is no longer
// there, until done is closed. A connection bound to that address is dead
// but nothing says so: its packets just stop, and the server connection's
// pings would take up to 25 s to notice. Only removals count: an address
// that appears (a VPN, a container bridge) leaves existing connections
// alone. addrs lists the current addresses.
func watchAddrs(done <-chan struct{}, every time.Duration, addrs func() ([]string, error), gone func()) {
	last, _ := addrs()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		now, err := addrs()
		if err != nil {
			continue
		}
		for _, a := range last {
			if !slices.Contains(now, a) {
				gone()
				break
			}
		}
		last = now
	}
}

// machineAddrs lists the machine's unicast addresses, without loopback
// (which never goes away).
func machineAddrs() ([]string, error) {
	as, err := net.InterfaceAddrs()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range as {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() {
			continue
		}
		out = append(out, ipn.IP.String())
	}
	return out, nil
}
