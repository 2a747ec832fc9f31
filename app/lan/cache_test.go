package lan

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"
)

func seen(inst string, ttl time.Duration, as ...string) sighting {
	s := testService()
	s.Instance, s.Addrs = inst, addrs(as...)
	return sighting{Service: s, TTL: ttl}
}

func instances(ss []Service) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Instance)
	}
	return out
}

var t0 = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func TestCacheExpiry(t *testing.T) {
	c := newCache()
	if !c.update(seen("b", recordTTL, "10.0.0.2"), t0) || !c.update(seen("a", 10*time.Second, "10.0.0.1"), t0) {
		t.Fatal("new services did not count as a change")
	}
	if got := instances(c.list()); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("list = %q, want sorted [a b]", got)
	}
	if c.expire(t0.Add(10*time.Second - time.Millisecond)) {
		t.Error("expired before its TTL")
	}
	if !c.expire(t0.Add(10*time.Second)) || !slices.Equal(instances(c.list()), []string{"b"}) {
		t.Errorf("after a's TTL: %q, want [b]", instances(c.list()))
	}
	// A new sighting restarts the TTL.
	c.update(seen("b", recordTTL, "10.0.0.2"), t0.Add(100*time.Second))
	if c.expire(t0.Add(recordTTL)) || len(c.list()) != 1 {
		t.Error("b expired despite being seen again")
	}
	if !c.expire(t0.Add(100*time.Second+recordTTL)) || len(c.list()) != 0 {
		t.Error("b did not expire 120 s after it was last seen")
	}
}

func TestCacheGoodbye(t *testing.T) {
	c := newCache()
	c.update(seen("a", recordTTL, "10.0.0.1"), t0)
	if c.update(sighting{Service: Service{Instance: "nobody"}}, t0) {
		t.Error("a goodbye for an unknown service counted as a change")
	}
	if !c.update(sighting{Service: Service{Instance: "a"}}, t0.Add(time.Second)) || len(c.list()) != 0 {
		t.Errorf("goodbye left %q", instances(c.list()))
	}
}

func TestCacheChanges(t *testing.T) {
	c := newCache()
	s := seen("a", recordTTL, "10.0.0.1")
	c.update(s, t0)
	if c.update(s, t0.Add(time.Second)) {
		t.Error("the same sighting again counted as a change")
	}
	s.Host = "Eve"
	if !c.update(s, t0.Add(2*time.Second)) || c.list()[0].Host != "Eve" {
		t.Error("a new name did not count as a change")
	}
	s2 := s
	s2.Since = s.Since.Add(time.Millisecond)
	if !c.update(s2, t0.Add(3*time.Second)) {
		t.Error("a restarted server did not count as a change")
	}
	// Heard on a second interface with another address: both are kept.
	if !c.update(seen("a", recordTTL, "192.168.1.5"), t0.Add(4*time.Second)) {
		t.Error("a new address did not count as a change")
	}
	if got := c.list()[0].Addrs; !slices.Equal(got, addrs("10.0.0.1", "192.168.1.5")) {
		t.Errorf("addresses %v", got)
	}
}

func TestCacheAddressExpiry(t *testing.T) {
	c := newCache()
	c.update(seen("a", recordTTL, "10.0.0.1"), t0)
	c.update(seen("a", recordTTL, "10.0.0.2"), t0.Add(60*time.Second)) // renumbered
	if !c.expire(t0.Add(recordTTL)) {
		t.Fatal("the old address's expiry was no change")
	}
	if got := c.list(); len(got) != 1 || !slices.Equal(got[0].Addrs, addrs("10.0.0.2")) {
		t.Errorf("after the old address expired: %+v", got)
	}
}

func TestCacheLimits(t *testing.T) {
	c := newCache()
	for i := range maxServices + 50 {
		c.update(seen(fmt.Sprintf("p%03d", i), recordTTL, "10.0.0.1"), t0)
	}
	if n := len(c.list()); n != maxServices {
		t.Errorf("%d services held, want at most %d", n, maxServices)
	}
	if c.has(fmt.Sprintf("p%03d", maxServices)) {
		t.Error("a service beyond the cap displaced one held")
	}
	// Addresses: at most maxAddrs, the newest sightings displacing the
	// ones that expire first.
	c = newCache()
	for i := range 3 * maxAddrs {
		c.update(seen("a", recordTTL, fmt.Sprintf("10.0.0.%d", i+1)), t0.Add(time.Duration(i)*time.Second))
	}
	got := c.list()[0].Addrs
	want := make([]netip.Addr, 0, maxAddrs)
	for i := 2 * maxAddrs; i < 3*maxAddrs; i++ {
		want = append(want, netip.AddrFrom4([4]byte{10, 0, 0, byte(i + 1)}))
	}
	if !slices.Equal(got, want) {
		t.Errorf("addresses %v, want the latest %d: %v", got, maxAddrs, want)
	}
}

func TestCacheRefresh(t *testing.T) {
	c := newCache()
	if !c.next().IsZero() {
		t.Error("an empty cache has something due")
	}
	c.update(seen("a", recordTTL, "10.0.0.1"), t0)
	steps := []struct {
		at   time.Duration // after t0
		due  bool
		next time.Duration
	}{
		{0, false, 96 * time.Second},
		{95 * time.Second, false, 96 * time.Second},
		{96 * time.Second, true, 108 * time.Second},
		{100 * time.Second, false, 108 * time.Second},
		{108 * time.Second, true, recordTTL},
		{110 * time.Second, false, recordTTL},
	}
	for _, s := range steps {
		if due := c.refreshDue(t0.Add(s.at)); due != s.due {
			t.Errorf("at %v: refresh due %v, want %v", s.at, due, s.due)
		}
		if next := c.next().Sub(t0); next != s.next {
			t.Errorf("at %v: next event at %v, want %v", s.at, next, s.next)
		}
	}
	// An answer to the refresh starts over.
	c.update(seen("a", recordTTL, "10.0.0.1"), t0.Add(110*time.Second))
	if next := c.next().Sub(t0); next != 110*time.Second+96*time.Second {
		t.Errorf("after a fresh sighting, next event at %v", next)
	}
}

func TestCacheListIsACopy(t *testing.T) {
	c := newCache()
	c.update(seen("a", recordTTL, "10.0.0.1"), t0)
	l := c.list()
	l[0].Addrs[0] = netip.MustParseAddr("10.6.6.6")
	if got := c.list()[0].Addrs[0]; got != netip.MustParseAddr("10.0.0.1") {
		t.Errorf("changing a listed address changed the cache: %v", got)
	}
}
