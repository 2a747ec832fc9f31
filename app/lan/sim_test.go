package lan

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// startSim starts a Discovery at addr on n, closed when the test ends.
func startSim(t *testing.T, n *simLAN, addr string, log *slog.Logger) *Discovery {
	t.Helper()
	d, err := start(t.Context(), Config{Logger: log}, n.system(addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func simService(inst string) Service {
	s := testService()
	s.Instance, s.Host, s.Addrs = inst, "host of "+inst, nil
	return s
}

// waitFor waits until ok(d.Services()) holds, and returns how long that
// took; it fails the test after timeout.
func waitFor(t *testing.T, d *Discovery, timeout time.Duration, what string, ok func([]Service) bool) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !ok(d.Services()) {
		select {
		case <-d.Changes():
		case <-deadline.C:
			t.Fatalf("after %v: %s never happened; services: %+v", timeout, what, d.Services())
		}
	}
	return time.Since(start)
}

func has(inst string) func([]Service) bool {
	return func(ss []Service) bool {
		for _, s := range ss {
			if s.Instance == inst {
				return true
			}
		}
		return false
	}
}

func hasNot(inst string) func([]Service) bool {
	return func(ss []Service) bool { return !has(inst)(ss) }
}

func TestSimFindEachOther(t *testing.T) {
	t.Parallel()
	n := newSimLAN()
	log := newLevels()
	a := startSim(t, n, "10.0.0.1", slog.New(log))
	b := startSim(t, n, "10.0.0.2", slog.New(log))
	a.Advertise(simService("parley-a"))
	b.Advertise(simService("parley-b"))
	took := max(waitFor(t, a, time.Second, "a sees b", has("parley-b")), waitFor(t, b, time.Second, "b sees a", has("parley-a")))
	t.Logf("found each other in %v", took)

	got := a.Services()
	want := simService("parley-b")
	want.Addrs = addrs("10.0.0.2")
	if len(got) != 1 || !sameService(got[0], want) {
		t.Errorf("a's services = %+v, want only %+v (its own left out)", got, want)
	}
	if lvl, msgs := log.highest(); lvl > slog.LevelDebug {
		t.Errorf("logged above debug: %q", msgs)
	}
}

func TestSimLateJoinerFindsByQuery(t *testing.T) {
	t.Parallel()
	n := newSimLAN()
	a := startSim(t, n, "10.0.0.1", nil)
	a.Advertise(simService("parley-a"))
	// Well after a's first announcement and before its second: only an
	// answer to b's query can tell b about a.
	time.Sleep(300 * time.Millisecond)
	b := startSim(t, n, "10.0.0.2", nil)
	took := waitFor(t, b, 600*time.Millisecond, "b finds a by asking", has("parley-a"))
	t.Logf("started second, found the first in %v", took)
}

func TestSimUpdateWithdrawGoodbye(t *testing.T) {
	t.Parallel()
	n := newSimLAN()
	a := startSim(t, n, "10.0.0.1", nil)
	b := startSim(t, n, "10.0.0.2", nil)
	s := simService("parley-b")
	b.Advertise(s)
	waitFor(t, a, time.Second, "a sees b", has("parley-b"))

	s.Host, s.TokenNeeded = "renamed", false
	b.Advertise(s)
	waitFor(t, a, time.Second, "a sees b's new name", func(ss []Service) bool {
		return len(ss) == 1 && ss[0].Host == "renamed" && !ss[0].TokenNeeded
	})

	b.Withdraw()
	if took := waitFor(t, a, time.Second, "a drops b on its goodbye", hasNot("parley-b")); took > 200*time.Millisecond {
		t.Errorf("goodbye took %v", took)
	}

	b.Advertise(s)
	waitFor(t, a, time.Second, "a sees b again", has("parley-b"))
	// A new instance name says goodbye for the old one.
	b.Advertise(simService("parley-b2"))
	waitFor(t, a, time.Second, "a sees only b's new instance", func(ss []Service) bool {
		return len(ss) == 1 && ss[0].Instance == "parley-b2"
	})

	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if took := waitFor(t, a, time.Second, "a drops b on Close", hasNot("parley-b2")); took > 200*time.Millisecond {
		t.Errorf("goodbye on Close took %v", took)
	}
}

func TestSimContextEndSaysGoodbye(t *testing.T) {
	t.Parallel()
	n := newSimLAN()
	a := startSim(t, n, "10.0.0.1", nil)
	ctx, cancel := context.WithCancel(t.Context())
	b, err := start(ctx, Config{}, n.system("10.0.0.2"))
	if err != nil {
		t.Fatal(err)
	}
	b.Advertise(simService("parley-b"))
	waitFor(t, a, time.Second, "a sees b", has("parley-b"))
	cancel()
	waitFor(t, a, time.Second, "a drops b when b's context ends", hasNot("parley-b"))
	// Stopped: everything returns at once and does nothing.
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Advertise(simService("parley-b"))
		b.Withdraw()
		b.Reconfirm("parley-a")
		_ = b.Services()
		if err := b.Close(); err != nil {
			t.Error(err)
		}
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("a stopped Discovery's methods block")
	}
}

func TestSimReconfirm(t *testing.T) {
	t.Parallel()
	n := newSimLAN()
	a := startSim(t, n, "10.0.0.1", nil)
	b := startSim(t, n, "10.0.0.2", nil)
	c := startSim(t, n, "10.0.0.3", nil)
	b.Advertise(simService("parley-b"))
	c.Advertise(simService("parley-c"))
	waitFor(t, a, time.Second, "a sees b and c", func(ss []Service) bool { return has("parley-b")(ss) && has("parley-c")(ss) })

	n.vanish("10.0.0.3") // c's process is gone, without a goodbye
	start := time.Now()
	a.Reconfirm("parley-c")
	a.Reconfirm("parley-b") // alive: answers, and stays
	a.Reconfirm("parley-nobody")
	took := waitFor(t, a, 3*time.Second, "a drops c after reconfirming it", hasNot("parley-c"))
	t.Logf("reconfirm removed a vanished service after %v", took)
	if took < 900*time.Millisecond || took > 1500*time.Millisecond {
		t.Errorf("reconfirm took %v, want about %v", took, reconfirmWait)
	}
	time.Sleep(time.Until(start.Add(reconfirmWait + 500*time.Millisecond)))
	if !has("parley-b")(a.Services()) {
		t.Error("a dropped b, which answered its reconfirm")
	}
}

func TestSimHostileLAN(t *testing.T) {
	t.Parallel()
	n := newSimLAN()
	log := newLevels()
	a := startSim(t, n, "10.0.0.1", slog.New(log))
	a.Advertise(simService("parley-a"))

	// Far more services than are tracked; one of them with ever new
	// addresses.
	for i := range maxServices + 100 {
		s := simService(fmt.Sprintf("spam-%03d", i))
		s.Addrs = addrs("10.9.0.1")
		if i%2 == 0 {
			s.Instance = "spam-000"
			s.Addrs = []netip.Addr{netip.AddrFrom4([4]byte{10, 9, byte(i >> 8), byte(i)})}
		}
		pkt, err := buildResponse(s, maxTTL)
		if err != nil {
			t.Fatal(err)
		}
		n.inject(pkt, "10.0.0.66")
		if i%8 == 7 {
			time.Sleep(2 * time.Millisecond) // a socket buffer would hold more than the simulated queue
		}
	}
	for i := range maxServices + 100 {
		pkt, err := buildResponse(simService(fmt.Sprintf("more-%03d", i)), maxTTL)
		if err != nil {
			t.Fatal(err)
		}
		n.inject(pkt, "10.0.0.66")
		if i%8 == 7 {
			time.Sleep(2 * time.Millisecond)
		}
	}
	// Junk of every kind.
	good, _ := buildResponse(simService("junk"), recordTTL)
	for _, pkt := range [][]byte{nil, {0}, good[:20], append(good, make([]byte, maxPacket)...), bytes.Repeat([]byte{0xC0}, 100)} {
		n.inject(pkt, "10.0.0.66")
	}
	waitFor(t, a, 2*time.Second, "a fills up", func(ss []Service) bool { return len(ss) == maxServices })
	time.Sleep(100 * time.Millisecond)
	ss := a.Services()
	if len(ss) != maxServices {
		t.Errorf("%d services held, want %d", len(ss), maxServices)
	}
	for _, s := range ss {
		if len(s.Addrs) > maxAddrs {
			t.Errorf("%s has %d addresses", s.Instance, len(s.Addrs))
		}
		if s.Instance == "spam-000" && len(s.Addrs) != maxAddrs {
			t.Errorf("%s has %d addresses, want the latest %d", s.Instance, len(s.Addrs), maxAddrs)
		}
	}

	// A flood of queries gets at most one answer per answerGap.
	time.Sleep(2500 * time.Millisecond) // announcements done
	q, _ := buildQuery(serviceType, dnsmessage.TypePTR)
	before, start := n.sent("10.0.0.1"), time.Now()
	for range 500 {
		n.inject(q, "10.0.0.66")
		time.Sleep(time.Millisecond)
	}
	time.Sleep(answerGap)
	took := time.Since(start)
	if answers := n.sent("10.0.0.1") - before; answers < 1 || answers > int64(took/answerGap)+2 {
		t.Errorf("%d answers to 500 queries in %v, want one per %v at most", answers, took, answerGap)
	}
	if lvl, msgs := log.highest(); lvl > slog.LevelDebug {
		t.Errorf("a hostile LAN made it log above debug: %q", msgs)
	}
}

func TestSimInvalidAdvertise(t *testing.T) {
	t.Parallel()
	n := newSimLAN()
	log := newLevels()
	a := startSim(t, n, "10.0.0.1", slog.New(log))
	b := startSim(t, n, "10.0.0.2", nil)
	bad := simService("parley-a")
	bad.Port = 0
	a.Advertise(bad)
	if lvl, _ := log.highest(); lvl != slog.LevelError {
		t.Errorf("an invalid service was not logged as an error")
	}
	time.Sleep(500 * time.Millisecond) // b's query at start is answered within 120 ms
	if ss := b.Services(); len(ss) != 0 {
		t.Errorf("an invalid service was advertised: %+v", ss)
	}
}

func TestSimChanges(t *testing.T) {
	t.Parallel()
	n := newSimLAN()
	a := startSim(t, n, "10.0.0.1", nil)
	b := startSim(t, n, "10.0.0.2", nil)
	select {
	case <-a.Changes():
		t.Fatal("Changes signalled with nothing changed")
	case <-time.After(100 * time.Millisecond):
	}
	b.Advertise(simService("parley-b"))
	select {
	case <-a.Changes():
	case <-time.After(time.Second):
		t.Fatal("no Changes signal for a new service")
	}
	// Re-announcements of the same thing are no change.
	time.Sleep(2500 * time.Millisecond)
	select {
	case <-a.Changes():
		t.Error("Changes signalled for re-announcements of the same service")
	default:
	}
	b.Withdraw()
	select {
	case <-a.Changes():
	case <-time.After(time.Second):
		t.Fatal("no Changes signal for a goodbye")
	}
}

func TestSelectInterfaces(t *testing.T) {
	all := []net.Interface{
		{Index: 1, Name: "lo", Flags: net.FlagUp | net.FlagLoopback | net.FlagMulticast},
		{Index: 2, Name: "eth0", Flags: net.FlagUp | net.FlagBroadcast | net.FlagMulticast},
		{Index: 3, Name: "eth1", Flags: net.FlagBroadcast | net.FlagMulticast},
		{Index: 4, Name: "tun0", Flags: net.FlagUp | net.FlagPointToPoint},
		{Index: 5, Name: "wlan0", Flags: net.FlagUp | net.FlagMulticast | net.FlagRunning},
	}
	var got []string
	for _, ifi := range selectInterfaces(all) {
		got = append(got, ifi.Name)
	}
	if len(got) != 2 || got[0] != "eth0" || got[1] != "wlan0" {
		t.Errorf("selected %q, want [eth0 wlan0]", got)
	}
}

func TestOwnAddrs(t *testing.T) {
	ps := []netip.Prefix{
		netip.MustParsePrefix("fe80::1/64"),
		netip.MustParsePrefix("127.0.0.1/8"),
		netip.MustParsePrefix("2001:db8::7/64"),
		netip.MustParsePrefix("192.168.1.9/24"),
		netip.MustParsePrefix("::ffff:10.0.0.5/120"),
	}
	got := ownAddrs(ps)
	want := addrs("10.0.0.5", "192.168.1.9", "2001:db8::7", "fe80::1")
	if len(got) != len(want) {
		t.Fatalf("ownAddrs = %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("ownAddrs = %v, want %v", got, want)
		}
	}
}
