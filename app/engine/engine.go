package engine

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/app/audio"
	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/internal/fanout"
	"github.com/parleyhq/parley/signaling/protocol"
)

// Config is what an Engine needs before it runs.
type Config struct {
	// Name is this user's name as registered with the server. The server
	// may rename the user; a "rejectusername" message updates it.
	Name string
	// ICEServers are STUN/TURN servers. A server "ice-servers" message
	// replaces them for later calls.
	ICEServers []webrtc.ICEServer
	// Devices opens the camera and microphone. Required.
	Devices Devices
	// Camera and Microphone name the devices to open ("" for the default).
	Camera, Microphone string
	// AutoAnswer accepts every incoming call without asking (the headless
	// peer's --auto-answer).
	AutoAnswer bool
	// AnswerTimeout ends an outgoing call nobody answered (reason
	// no-answer). Zero means 45 s.
	AnswerTimeout time.Duration
	// Audio plays the peer's decoded sound (an app/audio speaker). Nil
	// decodes without playing, as the headless peer does; statistics and
	// the tone check work either way.
	Audio audio.Output
	// Logger gets diagnostics; nil discards them.
	Logger *slog.Logger

	// ICERestartAfter is how long a connected call's connection may stay
	// disconnected before the engine restarts ICE (and retries that often
	// while it stays down). Zero means 3 s.
	ICERestartAfter time.Duration
	// ICEDisconnected is how long without packets from the peer before the
	// connection counts as disconnected; zero takes call.DefaultICEDisconnected.
	ICEDisconnected time.Duration
}

// Engine runs one user's calls. Create it with New, start Run, then drive it
// with its command methods from any goroutine.
type Engine struct {
	cfg    Config
	frames frames.Fanout
	cmds   chan func()

	// stopped is closed when Run returns, so that commands fail at once
	// instead of waiting for a loop that is gone; the next Run replaces it.
	// Before the first Run it is open: commands wait for the loop to start.
	stoppedMu sync.Mutex
	stopped   chan struct{}

	// name is read by pion's goroutines when they send candidates.
	nameMu sync.Mutex
	name   string

	subs fanout.List[func(Event)]

	// Loop-owned state: only Run's goroutine touches these.
	sig        Signaling
	ctx        context.Context
	state      State
	live       *liveCall
	camera     Camera
	mic        Microphone
	cameraOff  bool
	muted      bool
	iceServers []webrtc.ICEServer
	// offline is set while a Resumable connection reconnects.
	offline bool
	// recent holds, for a while, the peers of calls that ended or were
	// refused, so that their trailing candidates and answers are dropped
	// quietly instead of being reported as unknown.
	recent map[string]time.Time
}

// New checks cfg and returns an engine that is not running yet.
func New(cfg Config) (*Engine, error) {
	if cfg.Devices == nil {
		return nil, errorf(ErrBadInput, nil, "the engine needs devices")
	}
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = 45 * time.Second
	}
	if cfg.ICERestartAfter <= 0 {
		cfg.ICERestartAfter = 3 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{
		cfg:        cfg,
		cmds:       make(chan func()),
		stopped:    make(chan struct{}),
		name:       cfg.Name,
		state:      Idle,
		iceServers: cfg.ICEServers,
		recent:     make(map[string]time.Time),
	}, nil
}

// Frames is the fan-out of every picture the engine produces: the camera
// preview (frames.Local) and the decoded remote video (frames.Remote).
// Subscribe to draw or count them.
func (e *Engine) Frames() *frames.Fanout { return &e.frames }

// Subscribe registers fn for every event and returns a function that removes
// it. fn runs on the engine's loop, so it must return quickly and must not
// call the engine's command methods (they would wait for the loop it is
// blocking); hand events to another goroutine instead.
func (e *Engine) Subscribe(fn func(Event)) (unsubscribe func()) { return e.subs.Add(fn) }

func (e *Engine) emit(ev Event) { e.subs.Each(func(fn func(Event)) { fn(ev) }) }

// Run opens the devices and serves sig until ctx ends or the connection
// fails, then ends any call, closes the devices and returns. The returned
// error is nil when ctx ended it. Run may be called again with a new
// connection after it returns (the desktop app reconnects this way).
//
// If sig is Resumable, its outages do not end Run: a connected call carries
// on, and Run returns only when ctx ends or Messages closes.
func (e *Engine) Run(ctx context.Context, sig Signaling) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	e.sig, e.ctx = sig, ctx
	e.stoppedMu.Lock()
	select {
	case <-e.stopped:
		e.stopped = make(chan struct{})
	default:
	}
	stopped := e.stopped
	e.stoppedMu.Unlock()
	defer close(stopped)
	e.openDevices(ctx)
	defer e.closeDevices()

	e.setName(sig.Name())
	e.emit(NameChanged{Name: sig.Name()})
	e.emit(UsersChanged{Users: sig.Users()})

	var status <-chan protocol.LinkStatus
	if r, ok := sig.(Resumable); ok {
		status = r.Changes()
	}
	e.offline = false

	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			e.endCall(ReasonClosed, true)
			return nil
		case m, ok := <-sig.Messages():
			if !ok {
				e.endCall(ReasonSignaling, false)
				err := errorf(ErrSignaling, sig.Err(), "the connection to the server was lost")
				e.emit(err)
				return err
			}
			e.handle(m)
		case st := <-status:
			e.onSignalingStatus(st)
			if st == protocol.LinkOnline {
				// A reconnected link's user list does not come as a
				// message; the peer may have missed our media state.
				e.resendMediaState()
			}
		case fn := <-e.cmds:
			fn()
		case now := <-tick.C:
			e.tick(now)
		}
	}
}

// do runs fn on the loop and waits for it. Before the first Run it waits
// for Run to start; after Run returned it fails at once.
func (e *Engine) do(fn func() error) error {
	e.stoppedMu.Lock()
	stopped := e.stopped
	e.stoppedMu.Unlock()
	done := make(chan error, 1)
	select {
	case e.cmds <- func() { done <- fn() }:
		return <-done
	case <-stopped:
		return errorf(ErrNotRunning, nil, "the engine is not running")
	}
}

// post runs fn on the loop without waiting; used by pion's callbacks, which
// must not block. It gives up when ctx (the call's) ends, so that a call
// being torn down never waits for the loop that is tearing it down.
func (e *Engine) post(ctx context.Context, fn func()) {
	select {
	case e.cmds <- fn:
	case <-ctx.Done():
	}
}

func (e *Engine) setState(s State, peer, reason string) {
	e.state = s
	e.emit(StateChanged{State: s, Peer: peer, Reason: reason})
}

// Name returns this user's current name.
func (e *Engine) Name() string {
	e.nameMu.Lock()
	defer e.nameMu.Unlock()
	return e.name
}

func (e *Engine) setName(n string) {
	e.nameMu.Lock()
	e.name = n
	e.nameMu.Unlock()
}

// sendTimeout bounds one signaling write.
const sendTimeout = 10 * time.Second

// send stamps m with this user's name and the target and sends it. The
// server overwrites the name anyway; MDN's clients read it.
//
// ctx says whether the message is still wanted (a candidate of a call that
// has ended is dropped), but it is not what the write runs under: a
// WebSocket write whose context is cancelled mid-way closes the whole
// connection (coder/websocket), so ending a call while pion sends one of
// its candidates would log the user out. The write gets its own timeout.
func (e *Engine) send(ctx context.Context, target string, m *protocol.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.Target = target
	if m.Type != protocol.TypeNewICECandidate {
		m.Name = e.Name()
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	err := e.sig.Send(wctx, m)
	e.cfg.Logger.Debug("signaling out", "type", m.Type, "to", target, "err", err)
	if err != nil {
		e.cfg.Logger.Warn("signaling send failed", "type", m.Type, "err", err)
	}
	return err
}
