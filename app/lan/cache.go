package lan

import (
	"maps"
	"net/netip"
	"slices"
	"time"
)

// A browser asks again whether a service is still there at 80 % of its
// TTL, then at 90 % (RFC 6762 §5.2 asks for 80, 85, 90 and 95 %): two
// queries leave room for a lost query or answer, and a service that answers
// neither is gone when its TTL runs out. With the 120 s TTL Parley
// advertises, that is at 96 s and 108 s.
const (
	refreshFirst   = 80 // percent of the TTL
	refreshStep    = 10 // percent of the TTL
	refreshQueries = 2
)

// cache is the services heard, each expiring on its own and each of its
// addresses on its own: a desktop on both Ethernet and Wi-Fi is heard on
// both with different addresses, and an address it has lost stops being
// offered once no answer carries it. Only the loop's goroutine uses it.
type cache struct {
	entries map[string]*entry
}

type entry struct {
	svc   Service                  // Addrs unused: see addrs
	addrs map[netip.Addr]time.Time // address → when it expires
	seen  time.Time                // when the last sighting came
	ttl   time.Duration            // the last sighting's TTL
	asked int                      // refresh queries sent since seen
}

func newCache() *cache {
	return &cache{entries: map[string]*entry{}}
}

func (e *entry) expires() time.Time { return e.seen.Add(e.ttl) }

// refreshAt is when the next refresh query for e is due, if one is.
func (e *entry) refreshAt() (time.Time, bool) {
	if e.asked >= refreshQueries {
		return time.Time{}, false
	}
	return e.seen.Add(e.ttl * time.Duration(refreshFirst+refreshStep*e.asked) / 100), true
}

// update records a sighting heard at now and reports whether Services
// changed. A goodbye (TTL 0) removes the service at once (RFC 6762 §10.1
// allows one second's grace; none is needed here). A new service beyond
// maxServices is ignored, and so is a new address beyond maxAddrs unless it
// outlives one already held: a LAN cannot make the cache grow without
// bound.
func (c *cache) update(s sighting, now time.Time) bool {
	e, ok := c.entries[s.Instance]
	if s.TTL <= 0 {
		delete(c.entries, s.Instance)
		return ok
	}
	if !ok {
		if len(c.entries) >= maxServices {
			return false
		}
		e = &entry{addrs: map[netip.Addr]time.Time{}}
		c.entries[s.Instance] = e
	}
	changed := !ok || !e.svc.same(s.Service)
	e.svc, e.svc.Addrs = s.Service, nil
	e.seen, e.ttl, e.asked = now, s.TTL, 0
	exp := now.Add(s.TTL)
	for _, a := range s.Addrs {
		if _, have := e.addrs[a]; have {
			e.addrs[a] = exp
			continue
		}
		if len(e.addrs) >= maxAddrs {
			old := soonest(e.addrs)
			if !e.addrs[old].Before(exp) {
				continue
			}
			delete(e.addrs, old)
		}
		e.addrs[a] = exp
		changed = true
	}
	return changed
}

// soonest is the address in as that expires first.
func soonest(as map[netip.Addr]time.Time) netip.Addr {
	var first netip.Addr
	for a, t := range as {
		if !first.IsValid() || t.Before(as[first]) {
			first = a
		}
	}
	return first
}

// expire drops what has expired by now and reports whether Services
// changed.
func (c *cache) expire(now time.Time) bool {
	changed := false
	for inst, e := range c.entries {
		for a, t := range e.addrs {
			if !now.Before(t) {
				delete(e.addrs, a)
				changed = true
			}
		}
		if !now.Before(e.expires()) || len(e.addrs) == 0 {
			delete(c.entries, inst)
			changed = true
		}
	}
	return changed
}

// remove drops a service and reports whether it was there.
func (c *cache) remove(inst string) bool {
	_, ok := c.entries[inst]
	delete(c.entries, inst)
	return ok
}

func (c *cache) has(inst string) bool {
	_, ok := c.entries[inst]
	return ok
}

// refreshDue reports whether a refresh query is due by now, counting it as
// sent for every service it is due for: one query refreshes them all.
func (c *cache) refreshDue(now time.Time) bool {
	due := false
	for _, e := range c.entries {
		if t, ok := e.refreshAt(); ok && !now.Before(t) {
			e.asked++
			due = true
		}
	}
	return due
}

// next is when the cache next needs attention (a refresh or an expiry),
// or the zero time when it holds nothing.
func (c *cache) next() time.Time {
	var next time.Time
	earlier := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	for _, e := range c.entries {
		if t, ok := e.refreshAt(); ok {
			earlier(t)
		}
		earlier(e.expires())
		for _, t := range e.addrs {
			earlier(t)
		}
	}
	return next
}

// list is the services held, sorted by instance, each with its own copy of
// its addresses.
func (c *cache) list() []Service {
	out := make([]Service, 0, len(c.entries))
	for _, inst := range slices.Sorted(maps.Keys(c.entries)) {
		e := c.entries[inst]
		s := e.svc
		s.Addrs = slices.Collect(maps.Keys(e.addrs))
		orderAddrs(s.Addrs)
		out = append(out, s)
	}
	return out
}
