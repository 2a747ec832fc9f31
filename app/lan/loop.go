package lan

import (
	"context"
	"log/slog"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

const (
	// announceCount announcements go out announceEvery apart when a
	// service is advertised (RFC 6762 §8.3 asks for at least two, one
	// second apart), so that one lost packet does not hide it.
	announceCount = 3
	announceEvery = time.Second
	// answerGap is the least time between two answers on one interface;
	// queries in between are answered by the later one (see the package
	// comment for why not RFC 6762 §6's full second).
	answerGap = 250 * time.Millisecond
	// An answer to a PTR query, which every Parley server on the link
	// answers, waits 20–120 ms (RFC 6762 §6) so that the answers do not
	// all go out at the same instant; one to a question only this server
	// answers (SRV, TXT, A, AAAA for its own names) goes at once.
	answerDelayMin = 20 * time.Millisecond
	answerDelayMax = 120 * time.Millisecond
	// reconfirmWait is how long a reconfirmed service has to answer;
	// reconfirmAgain is when the query is repeated, in case it or its
	// answer was lost.
	reconfirmWait  = time.Second
	reconfirmAgain = 400 * time.Millisecond
	// rescanEvery is how often interfaces and their addresses are looked at
	// again: cheap (one netlink dump), and soon enough that a laptop that
	// joins a network is found within seconds.
	rescanEvery = 5 * time.Second
	// idle is the longest the loop sleeps when nothing is due.
	idle = time.Hour
)

// startQuery returns when, after Start, the nth startup PTR query goes out
// (at once, then 1 s and 3 s later: RFC 6762 §5.2 spacing), and false once
// all have.
func startQuery(n int) (time.Duration, bool) {
	switch n {
	case 0:
		return 0, true
	case 1:
		return time.Second, true
	case 2:
		return 3 * time.Second, true
	}
	return 0, false
}

// loop owns everything that changes: it runs on one goroutine, and the
// public methods hand it work through Discovery.cmds.
type loop struct {
	d       *Discovery
	log     *slog.Logger
	sys     system
	conn    conn
	inbound <-chan packet
	auto    bool          // interfaces come and go with the machine's
	links   map[int]*link // by interface index

	started time.Time
	queries int // startup queries sent

	own        *Service // advertised; nil when not
	self       string   // the instance last advertised: never a peer
	announces  int      // announcements of own sent
	announceAt time.Time

	cache     *cache
	reconfirm map[string]*recheck
	rescanAt  time.Time
}

// recheck is a Reconfirm under way.
type recheck struct {
	deadline time.Time
	againAt  time.Time // zero once the second query went out
}

func (l *loop) run(ctx context.Context) {
	defer l.shutdown()
	t := time.NewTimer(idle)
	defer t.Stop()
	for {
		now := time.Now()
		l.tick(now)
		t.Reset(l.next(now).Sub(now))
		select {
		case <-ctx.Done():
			return
		case f := <-l.d.cmds:
			f(l, time.Now())
		case p := <-l.inbound:
			l.receive(p, time.Now())
		case <-t.C:
		}
	}
}

// shutdown says goodbye, closes the sockets and tells Close it is done.
func (l *loop) shutdown() {
	l.withdraw(time.Now())
	close(l.d.quit)
	l.d.err = l.conn.close()
	l.d.cancel()
	close(l.d.stopped)
}

// tick does what is due by now.
func (l *loop) tick(now time.Time) {
	if at, ok := startQuery(l.queries); ok && !now.Before(l.started.Add(at)) {
		l.queries++
		l.query(serviceType, dnsmessage.TypePTR)
	}
	if l.own != nil && l.announces < announceCount && !now.Before(l.announceAt) {
		l.announces++
		l.announceAt = now.Add(announceEvery)
		for _, lk := range l.links {
			l.sendOwn(lk, recordTTL, now)
		}
	}
	for _, lk := range l.links {
		if !lk.answerAt.IsZero() && !now.Before(lk.answerAt) {
			lk.answerAt = time.Time{}
			l.sendOwn(lk, recordTTL, now)
		}
	}
	changed := l.cache.expire(now)
	if l.cache.refreshDue(now) {
		l.query(serviceType, dnsmessage.TypePTR)
	}
	for inst, rc := range l.reconfirm {
		if !now.Before(rc.deadline) {
			delete(l.reconfirm, inst)
			if l.cache.remove(inst) {
				l.log.Debug("lan: service did not answer a reconfirm; removed", "instance", inst)
				changed = true
			}
		} else if !rc.againAt.IsZero() && !now.Before(rc.againAt) {
			rc.againAt = time.Time{}
			l.query(instanceName(inst), dnsmessage.TypeSRV)
		}
	}
	if !now.Before(l.rescanAt) {
		l.rescan(now)
	}
	if changed {
		l.d.publish(l.cache.list())
	}
}

// next is when tick next has something to do.
func (l *loop) next(now time.Time) time.Time {
	next := now.Add(idle)
	at := func(t time.Time) {
		if !t.IsZero() && t.Before(next) {
			next = t
		}
	}
	if d, ok := startQuery(l.queries); ok {
		at(l.started.Add(d))
	}
	if l.own != nil && l.announces < announceCount {
		at(l.announceAt)
	}
	for _, lk := range l.links {
		at(lk.answerAt)
	}
	at(l.cache.next())
	for _, rc := range l.reconfirm {
		at(rc.deadline)
		at(rc.againAt)
	}
	at(l.rescanAt)
	return next
}

// receive handles one packet: a query may need an answer, a response may
// change Services.
func (l *loop) receive(p packet, now time.Time) {
	lk := l.linkFor(p)
	if lk == nil || p.src.Port() != mdnsPort {
		// Not on an interface in use (the socket hears every interface any
		// process joined the group on), or not mDNS: RFC 6762 §6 has
		// responses from other ports ignored, and Parley sends no unicast
		// answers to one-shot queries.
		return
	}
	m, err := parse(p.data, p.src.Addr(), lk.ifi.Name)
	if err != nil {
		l.log.Debug("lan: malformed packet", "from", p.src, "err", err)
		return
	}
	if m.query {
		l.answerLater(lk, m.questions, now)
		return
	}
	changed := false
	for _, s := range m.seen {
		if s.Instance == l.self {
			continue
		}
		delete(l.reconfirm, s.Instance)
		if l.cache.update(s, now) {
			changed = true
		}
	}
	if changed {
		l.d.publish(l.cache.list())
	}
}
