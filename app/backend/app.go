package backend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/parleyhq/parley/app/bridge"
	"github.com/parleyhq/parley/app/builtin"
	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/settings"
)

// Options configure an App. The zero value of each field is usable except
// Settings.
type Options struct {
	// Settings is where the user's choices live. Required.
	Settings *settings.Store
	// ConfigDir holds the built-in server's certificate; "" means the
	// tls directory beside the settings file.
	ConfigDir string
	// Server overrides the settings' signaling URL (the --server flag).
	Server string
	// Name overrides the settings' display name at start (the --name flag).
	Name string
	// EmbeddedAddr is where the built-in server listens; "" means
	// builtin.DefaultAddr (every interface, so others on the LAN reach it).
	EmbeddedAddr string
	// NoDiscovery keeps the app off the LAN for this run (the
	// --no-discovery flag) whatever the settings say: it neither
	// advertises its built-in server nor looks for other desktops'.
	NoDiscovery bool
	// Join is an invite link to join at start (--join, or a parley:// link
	// the system hands the app), as JoinLink does.
	Join string
	// FakeMedia marks a run with the test cameras and tone: no real
	// speaker is opened, so a machine without sound hardware stays quiet.
	FakeMedia bool
	// AutoAnswer accepts every incoming call without asking (the --auto-answer
	// flag: unattended machines and the screenshot test).
	AutoAnswer bool
	// BridgeOrigins are the Origins the frame bridge accepts; nil means
	// bridge.DefaultOrigins.
	BridgeOrigins []string
	// StampLatency times remote pictures by the capture time stamped into
	// them by a test camera, so the page's reported latency is glass to
	// glass (benchmarks; see stampTimes).
	StampLatency bool
	// Reports gets the page's drawing reports as JSON lines (ReportLine),
	// for benchmarks (--report-json); nil writes none.
	Reports io.Writer
	// Logger gets diagnostics; nil discards them.
	Logger *slog.Logger
}

// App is the window's backend. Create it with New, Start it once the window
// can receive events, Stop it when the window closes.
type App struct {
	opts  Options
	store *settings.Store
	log   *slog.Logger

	events  *eventQueue
	devices *devices
	bridge  *bridge.Bridge
	local   *builtin.Local // the built-in server; nil unless it runs
	pins    *settings.Pins
	conn    *connection
	ring    *ringer

	// switchMu serialises device switches (applyDevices). It is never held
	// with mu, and mu is never held across a call into the engine: the
	// engine's loop takes mu when it reports events.
	switchMu sync.Mutex
	// reportMu keeps each line written to Options.Reports whole (measure.go).
	reportMu sync.Mutex

	mu         sync.Mutex
	serverFlag string // Options.Server until JoinLink replaces it
	settings   settings.Settings
	live       settings.Settings // the device fields in use (see applyDevices)
	stateSeq   uint64
	warning    *SettingsWarning
	eng        *engine.Engine
	speaker    *speakerSwitch // the live engine's audio output
	name       string
	users      []string
	call       CallState
	muted      bool
	cameraOff  bool
	// peerMedia is what the call's peer last said it sends; nil outside a
	// call and until the peer says (MDN's client never does).
	peerMedia *engine.PeerMediaChanged

	ctx    context.Context // Start's, cancelled by Stop
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// CallState is the "state" event's payload: engine.StateChanged plus the
// time the state began, which the in-call timer counts from.
type CallState struct {
	State  engine.State `json:"state"`
	Peer   string       `json:"peer,omitempty"`
	Reason string       `json:"reason,omitempty"`
	Since  int64        `json:"since"` // ms since the Unix epoch
	// Seq orders state events: Wails' dev server delivers events on
	// separate goroutines, so "ended" and "idle" can arrive swapped; the
	// page ignores a state older than the one it shows.
	Seq uint64 `json:"seq"`
}

// SettingsWarning is the "settings-warning" payload: the settings file was
// unusable and was replaced by defaults.
type SettingsWarning struct {
	Reason  settings.ResetReason `json:"reason"`
	Backup  string               `json:"backup"`
	Message string               `json:"message"`
}

// New loads the settings and prepares the App. An unusable settings file is
// not an error: it is set aside, defaults are used, and the warning is kept
// for the page (Snapshot and the settings-warning event).
func New(opts Options) (*App, error) {
	if opts.Settings == nil {
		return nil, errors.New("ui: a settings store is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	a := &App{
		opts:  opts,
		store: opts.Settings,
		log:   opts.Logger,
		call:  CallState{State: engine.Idle, Since: time.Now().UnixMilli()},
	}
	st, err := a.store.Load()
	var reset *settings.ResetError
	switch {
	case errors.As(err, &reset):
		a.warning = &SettingsWarning{Reason: reset.Reason, Backup: reset.Backup, Message: err.Error()}
		a.log.Warn("settings replaced by defaults", "err", err)
	case err != nil:
		a.warning = &SettingsWarning{Reason: settings.ResetCorrupt, Message: err.Error()}
		a.log.Warn("settings unreadable; using defaults", "err", err)
	}
	if opts.Name != "" {
		st.DisplayName = opts.Name
	}
	a.settings, a.live = st, st
	a.serverFlag = opts.Server
	a.devices = newDevices(st, a.log)
	pins, err := settings.OpenPins(settings.PinsPath(a.store.Path()))
	if err != nil {
		a.log.Warn("pinned server certificates reset", "err", err)
	}
	a.pins = pins
	a.ring = &ringer{play: a.playRing, log: a.log}
	return a, nil
}

// Start begins serving the page: the frame bridge, the embedded server when
// no server is configured, device watching, and the connection to the
// signaling server (once a display name is known). Events go to em.
func (a *App) Start(ctx context.Context, em Emitter) error {
	ctx, a.cancel = context.WithCancel(ctx)
	a.ctx = ctx
	a.events = newEventQueue(ctx, em, a.log)
	a.goRun(a.events.run)

	br, err := bridge.New(bridge.Config{Origins: a.opts.BridgeOrigins})
	if err != nil {
		a.cancel()
		a.wg.Wait()
		return fmt.Errorf("ui: frame bridge: %w", err)
	}
	a.bridge = br

	if a.opts.Join != "" {
		a.OpenLink(a.opts.Join)
	}
	if a.serverURL() == "" {
		st := a.currentSettings()
		l, err := builtin.StartLocal(ctx, builtin.LocalConfig{
			Config:    builtin.Config{Addr: a.opts.EmbeddedAddr, CertDir: a.certDir(), Logger: a.log},
			Discovery: a.discovery(),
			Host:      st.DisplayName,
			Pins:      a.pins,
			OnMove:    a.onMove,
		})
		if err != nil {
			// Without a server of its own the app can still log in to
			// another one: say so instead of refusing to start.
			a.emitError("signaling", fmt.Sprintf("The built-in server could not start (%v). Enter a server address in Settings.", err))
		} else {
			a.local = l
		}
	}
	if w := a.snapshotWarning(); w != nil {
		a.events.push(EventSettingsWarning, w)
	}
	a.conn = newConnection(a)
	a.goRun(func() { a.conn.run(ctx) })
	a.goRun(func() { a.devices.watch(ctx, a.events) })
	return nil
}

// Stop ends the call and every goroutine the App started, and closes the
// bridge and the embedded server.
func (a *App) Stop() {
	if a.cancel == nil {
		return
	}
	a.cancel()
	a.wg.Wait()
	a.ring.wait()
	if a.bridge != nil {
		_ = a.bridge.Close()
	}
	if a.local != nil {
		a.local.Close()
	}
	a.devices.close()
}

func (a *App) goRun(fn func()) {
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		fn()
	}()
}

// serverURL is the signaling server to use: the flag, else the settings,
// else "" for the built-in one.
func (a *App) serverURL() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.serverFlag != "" {
		return a.serverFlag
	}
	return a.settings.SignalingURL
}

func (a *App) snapshotWarning() *SettingsWarning {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.warning
}

func (a *App) currentSettings() settings.Settings {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.settings
}

func (a *App) engine() *engine.Engine {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.eng
}

func (a *App) emitError(code, text string) {
	a.events.push("error", &engine.Error{Code: engine.ErrorCode(code), Text: text})
}

// onEngineEvent keeps the App's copy of the engine's state (for Snapshot)
// and forwards the event under its Kind name. It runs on the engine's loop,
// so it only records and queues.
func (a *App) onEngineEvent(ev engine.Event) {
	if _, ok := ev.(engine.SignalingChanged); ok {
		return // the connection's "signaling" event says it, with the server
	}
	var payload any = ev
	a.mu.Lock()
	switch e := ev.(type) {
	case engine.StateChanged:
		a.stateSeq++
		a.call = CallState{State: e.State, Peer: e.Peer, Reason: e.Reason, Since: time.Now().UnixMilli(), Seq: a.stateSeq}
		payload = a.call
		if a.peerMedia != nil && (e.Peer != a.peerMedia.Peer || e.State == engine.Ended) {
			a.peerMedia = nil
		}
	case engine.PeerMediaChanged:
		a.peerMedia = &e
	case engine.UsersChanged:
		a.users = append([]string(nil), e.Users...)
	case engine.NameChanged:
		a.name = e.Name
	}
	a.mu.Unlock()
	if st, ok := ev.(engine.StateChanged); ok {
		// The ring lasts as long as the Ringing state, however that ends:
		// accepted, declined, the caller gave up, the server went. An app
		// that answers by itself has nobody to ring for.
		if st.State == engine.Ringing && !a.opts.AutoAnswer {
			a.ring.start(a.ctx)
		} else {
			a.ring.silence()
		}
	}
	a.events.push(ev.Kind(), payload)
}
