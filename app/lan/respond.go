package lan

import (
	"math/rand/v2"
	"net/netip"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// answerLater schedules an answer on lk if the query asks for anything we
// advertise.
func (l *loop) answerLater(lk *link, qs []question, now time.Time) {
	ask, shared := l.asked(qs)
	if !ask {
		return
	}
	at := now
	if shared {
		at = now.Add(answerDelayMin + rand.N(answerDelayMax-answerDelayMin))
	}
	if !lk.lastSent.IsZero() {
		at = later(at, lk.lastSent.Add(answerGap))
	}
	if lk.answerAt.IsZero() || at.Before(lk.answerAt) {
		lk.answerAt = at
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// asked reports whether any of qs asks for what we advertise, and whether
// one asks for the shared PTR record (which other servers answer too).
func (l *loop) asked(qs []question) (ask, shared bool) {
	if l.own == nil {
		return false, false
	}
	inst := asciiLower(instanceName(l.own.Instance))
	host := hostName(l.own.Instance)
	for _, q := range qs {
		switch {
		case q.name == serviceType && (q.typ == dnsmessage.TypePTR || q.typ == dnsmessage.TypeALL):
			ask, shared = true, true
		case q.name == inst && (q.typ == dnsmessage.TypeSRV || q.typ == dnsmessage.TypeTXT || q.typ == dnsmessage.TypeALL):
			ask = true
		case q.name == host && (q.typ == dnsmessage.TypeA || q.typ == dnsmessage.TypeAAAA || q.typ == dnsmessage.TypeALL):
			ask = true
		}
	}
	return ask, shared
}

func (l *loop) advertise(s Service, now time.Time) {
	if err := s.Validate(); err != nil {
		l.log.Error("lan: not advertising an invalid service", "instance", s.Instance, "err", err)
		return
	}
	if l.own != nil && l.own.Instance != s.Instance {
		l.withdraw(now)
	}
	s.Addrs = nil
	l.own, l.self = &s, s.Instance
	l.announces, l.announceAt = 0, now
	if l.cache.remove(s.Instance) {
		l.d.publish(l.cache.list())
	}
}

// withdraw stops advertising, sending a goodbye on every interface.
func (l *loop) withdraw(now time.Time) {
	if l.own == nil {
		return
	}
	for _, lk := range l.links {
		lk.answerAt = time.Time{}
		l.sendOwn(lk, 0, now)
	}
	l.own = nil
}

// sendOwn multicasts our record set on lk with TTL ttl, with lk's
// addresses as they are now.
func (l *loop) sendOwn(lk *link, ttl time.Duration, now time.Time) {
	addrs := l.addrs(lk)
	if len(addrs) == 0 {
		return // no address: nothing to send from, nothing to reach
	}
	s := *l.own
	s.Addrs = addrs
	pkt, err := buildResponse(s, ttl)
	if err != nil {
		l.log.Error("lan: build response", "err", err) // a bug: advertise validated s
		return
	}
	if err := l.conn.send(lk.ifi, addrs, pkt); err != nil {
		l.log.Debug("lan: send response", "err", err)
	}
	lk.lastSent = now
}

// query multicasts a question on every interface.
func (l *loop) query(name string, typ dnsmessage.Type) {
	pkt, err := buildQuery(name, typ)
	if err != nil {
		l.log.Error("lan: build query", "err", err) // a bug: names are checked
		return
	}
	for _, lk := range l.links {
		l.queryOn(lk, pkt)
	}
}

func (l *loop) queryOn(lk *link, pkt []byte) {
	if addrs := l.addrs(lk); len(addrs) > 0 {
		if err := l.conn.send(lk.ifi, addrs, pkt); err != nil {
			l.log.Debug("lan: send query", "err", err)
		}
	}
}

// addrs are lk's addresses now.
func (l *loop) addrs(lk *link) []netip.Addr {
	ps, err := l.sys.prefixes(lk.ifi)
	if err != nil {
		l.log.Debug("lan: interface addresses", "interface", lk.ifi.Name, "err", err)
		return nil
	}
	return ownAddrs(ps)
}

func (l *loop) startReconfirm(inst string, now time.Time) {
	if !l.cache.has(inst) || l.reconfirm[inst] != nil {
		return
	}
	l.reconfirm[inst] = &recheck{deadline: now.Add(reconfirmWait), againAt: now.Add(reconfirmAgain)}
	l.query(instanceName(inst), dnsmessage.TypeSRV)
}
