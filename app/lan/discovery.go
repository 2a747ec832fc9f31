package lan

import (
	"context"
	"log/slog"
	"net"
	"slices"
	"sync"
	"time"
)

// Config configures Start.
type Config struct {
	// Interfaces are the interfaces to work on. nil means every interface
	// that is up, multicast-capable and not loopback, looked for again
	// every 5 s so that a network joined later is used too. A non-nil list
	// is used as given, and Start fails if it cannot join the mDNS group on
	// one of them. Either way, each interface's addresses are read again at
	// each send, and a change is announced within 5 s.
	Interfaces []net.Interface
	// Logger gets what happens on the LAN at debug level, and the caller's
	// mistakes (an invalid Service) at error level; nil discards.
	Logger *slog.Logger
}

// inboundQueue is how many received packets wait for the loop; beyond
// that the readers wait, and the kernel's socket buffer fills instead.
const inboundQueue = 16

// Discovery advertises this desktop's server and browses for the others'.
// Its methods are safe for concurrent use. Once it has stopped (Close, or
// the context given to Start ended) they do nothing, and Services keeps
// returning the last list.
type Discovery struct {
	cmds    chan func(*loop, time.Time)
	changes chan struct{}
	quit    chan struct{} // closed when the loop starts stopping
	stopped chan struct{} // closed when the loop, sockets and readers have
	cancel  context.CancelFunc
	err     error // from closing the sockets; set before stopped is closed

	mu       sync.Mutex
	services []Service
}

// Start opens the mDNS sockets (IPv4 224.0.0.251:5353, required; IPv6
// ff02::fb, used when available), sharing the port with avahi, Bonjour and
// other Parley processes, and answers and browses until ctx ends or Close.
//
// It queries for Parley servers at once, 1 s later and 3 s later, so that
// a desktop started after another finds it within a few tenths of a
// second (an answer waits 20–120 ms, and at least 250 ms after the last
// one on its interface), and two started together find each other. After that it asks again for each service at 80 % and
// 90 % of its TTL (96 s and 108 s), and drops one that answered neither
// when its TTL runs out.
func Start(ctx context.Context, cfg Config) (*Discovery, error) {
	return start(ctx, cfg, realSystem())
}

func start(ctx context.Context, cfg Config, sys system) (*Discovery, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(ctx)
	d := &Discovery{
		cmds:    make(chan func(*loop, time.Time)),
		changes: make(chan struct{}, 1),
		quit:    make(chan struct{}),
		stopped: make(chan struct{}),
		cancel:  cancel,
	}
	inbound := make(chan packet, inboundQueue)
	c, err := sys.listen(ctx, inbound, d.quit, log)
	if err != nil {
		cancel()
		return nil, err
	}
	now := time.Now()
	l := &loop{
		d: d, log: log, sys: sys, conn: c, inbound: inbound,
		auto:      cfg.Interfaces == nil,
		links:     map[int]*link{},
		started:   now,
		rescanAt:  now.Add(rescanEvery),
		cache:     newCache(),
		reconfirm: map[string]*recheck{},
	}
	if err := l.joinAll(cfg.Interfaces); err != nil {
		close(d.quit)
		_ = c.close()
		cancel()
		return nil, err
	}
	go l.run(ctx)
	return d, nil
}

// Advertise starts advertising s, or replaces what is advertised: it
// announces s three times, at once and 1 s and 2 s later, and from then
// on answers queries for it. s.Addrs is ignored (each answer carries the
// addresses of its interface). A new Instance sends a goodbye for the old
// one first. An invalid s (see Service.Validate) is logged and ignored.
func (d *Discovery) Advertise(s Service) {
	d.do(func(l *loop, now time.Time) { l.advertise(s, now) })
}

// Services returns the live services seen on the LAN, sorted by Instance.
// This desktop's own service is not among them, even when another process
// on the LAN advertises the same Instance. The slice and its Addrs are the
// caller's.
func (d *Discovery) Services() []Service {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Service, len(d.services))
	for i, s := range d.services {
		s.Addrs = slices.Clone(s.Addrs)
		out[i] = s
	}
	return out
}

// Changes gets a value whenever Services changes: a service came, went, or
// changed what it says. It holds one value at most, so a reader that was
// busy sees one value for any number of changes; it is never closed.
func (d *Discovery) Changes() <-chan struct{} {
	return d.changes
}

// Reconfirm is for a caller that saw instance's server fail (connection
// refused or dropped) and suspects it is gone (RFC 6762 §10.4). It asks for
// the service at once, and again 400 ms later; if nothing answers within
// 1 s of the call, the service is removed and Changes signalled. An
// unknown instance, or one already being reconfirmed, is left alone.
func (d *Discovery) Reconfirm(instance string) {
	d.do(func(l *loop, now time.Time) { l.startReconfirm(instance, now) })
}

// Close withdraws the advertised service (with a goodbye), closes the
// sockets and waits for every goroutine Start started. Stopping through
// Start's context does the same; Close then only waits. It returns the
// error from closing the sockets, and can be called more than once.
func (d *Discovery) Close() error {
	d.cancel()
	<-d.stopped
	return d.err
}

// do runs f on the loop's goroutine and waits for it, or does nothing once
// the loop is stopping.
func (d *Discovery) do(f func(*loop, time.Time)) {
	done := make(chan struct{})
	select {
	case d.cmds <- func(l *loop, now time.Time) { f(l, now); close(done) }:
		<-done
	case <-d.quit:
	}
}

// publish makes list what Services returns, and signals Changes.
func (d *Discovery) publish(list []Service) {
	d.mu.Lock()
	d.services = list
	d.mu.Unlock()
	select {
	case d.changes <- struct{}{}:
	default:
	}
}
