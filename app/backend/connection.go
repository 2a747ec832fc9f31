package backend

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/app/audio"
	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/signaling/client"
	"github.com/parleyhq/parley/signaling/protocol"
)

// Backoff bounds for reconnecting to the signaling server.
const (
	backoffMin = 500 * time.Millisecond
	backoffMax = 30 * time.Second
)

// connection keeps the App logged in to its signaling server: it runs a
// reconnecting signaling link and an engine over it. Outages are the
// link's to ride out (signaling/client: exponential backoff with jitter
// between backoffMin and backoffMax). When a link ends, the loop starts
// the next one after a short jittered pause, or after backoffMax when the
// link gave up for good (a refused name or token). A restart request
// (Reconnect, a new name or server) cuts the wait short or replaces a live
// connection.
type connection struct {
	a *App

	restart chan struct{} // buffered 1: a pending restart request

	mu        sync.Mutex
	status    SignalingEvent
	cancelRun context.CancelFunc // ends the live connection, nil if none
	sig       *client.Link       // the live link, nil if none
	waiters   []chan loginResult
}

type loginResult struct {
	name string
	err  error
}

func newConnection(a *App) *connection {
	return &connection{a: a, restart: make(chan struct{}, 1), status: SignalingEvent{Status: protocol.LinkOffline}}
}

// requestRestart drops the live connection, if any, and makes the loop
// connect again at once.
func (c *connection) requestRestart() {
	select {
	case c.restart <- struct{}{}:
	default:
	}
	c.mu.Lock()
	if c.cancelRun != nil {
		c.cancelRun()
	}
	c.mu.Unlock()
}

// awaitLogin returns a channel that gets the outcome of the next login
// attempt.
func (c *connection) awaitLogin() <-chan loginResult {
	ch := make(chan loginResult, 1)
	c.mu.Lock()
	c.waiters = append(c.waiters, ch)
	c.mu.Unlock()
	return ch
}

func (c *connection) settle(name string, err error) {
	c.mu.Lock()
	ws := c.waiters
	c.waiters = nil
	c.mu.Unlock()
	for _, w := range ws {
		w <- loginResult{name, err}
	}
}

func (c *connection) setStatus(status protocol.LinkStatus, server string) {
	c.mu.Lock()
	c.status = SignalingEvent{Status: status, Server: server}
	c.mu.Unlock()
	c.a.events.push(EventSignaling, SignalingEvent{Status: status, Server: server})
}

func (c *connection) current() SignalingEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status
}

func (c *connection) run(ctx context.Context) {
	for ctx.Err() == nil {
		st := c.a.currentSettings()
		if st.DisplayName == "" {
			// Nobody to log in as yet: the page shows its login form.
			if !c.wait(ctx, 0) {
				return
			}
			continue
		}
		url, tlsConf := c.target()
		if url == "" && c.a.local == nil {
			c.setStatus(protocol.LinkOffline, "")
			c.settle("", errors.New("no signaling server: the built-in one did not start; enter a server in Settings"))
			if !c.wait(ctx, 0) {
				return
			}
			continue
		}
		err := c.serve(ctx, url, tlsConf, st.DisplayName)
		if ctx.Err() != nil {
			return
		}
		c.setStatus(protocol.LinkOffline, url)
		if err != nil {
			// The link gave up for good (a refused name or token) or
			// the engine failed: wait for the user to change something,
			// or retry after a pause.
			c.settle("", err)
			c.a.emitError("signaling", "Signed out of "+url+": "+userError(err).Error())
			if !c.wait(ctx, backoffMax) {
				return
			}
			continue
		}
		if !c.wait(ctx, jitter(backoffMin)) {
			return
		}
	}
}

// wait sleeps for d (forever when d is 0) or until a restart is requested;
// it reports false when ctx ended.
func (c *connection) wait(ctx context.Context, d time.Duration) bool {
	var timer <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-c.restart:
	case <-timer:
	}
	return true
}

// jitter spreads reconnects of many clients after a server restart: a
// uniformly random duration in [d/2, d).
func jitter(d time.Duration) time.Duration {
	return d/2 + rand.N(d/2)
}

// target is the server set by URL, with its pinned certificate if a link
// pinned one; "" means the built-in server's Meeting decides.
func (c *connection) target() (string, *tls.Config) {
	if u := c.a.serverURL(); u != "" {
		return u, c.a.serverTLS(u)
	}
	return "", nil
}

// move sends the live link to where the Meeting now says, at once.
func (c *connection) move() {
	c.mu.Lock()
	sig := c.sig
	c.mu.Unlock()
	if sig != nil {
		sig.Refresh()
	}
}

// serve runs one logical connection: a reconnecting signaling link
// (backoff with jitter, resume token, pings) and one engine over it, until
// ctx ends, a restart is requested, or the link stops for good. Outages
// in between are the link's business: the engine keeps a connected call
// through them (media is peer to peer) and the page shows "reconnecting".
func (c *connection) serve(ctx context.Context, url string, tlsConf *tls.Config, name string) error {
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	c.mu.Lock()
	c.cancelRun = cancelRun
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.cancelRun = nil
		c.mu.Unlock()
	}()

	local := c.a.local
	following := url == "" // the Meeting decides, and may move the link
	if following {
		// The Meeting listens to the LAN a moment before its first choice.
		select {
		case <-local.Ready():
		case <-runCtx.Done():
			return nil
		}
		url = local.Place().URL
	}
	where := func() string {
		if following {
			return local.Place().URL
		}
		return url
	}
	c.setStatus(protocol.LinkConnecting, url)
	var wasOnline, reported bool // touched only by the link's goroutine
	cfg := client.LinkConfig{
		Config:     client.Config{URL: url, Name: name, TLS: tlsConf},
		MinBackoff: backoffMin,
		MaxBackoff: backoffMax,
		OnStatus: func(st protocol.LinkStatus, err error) {
			url := where()
			switch st {
			case protocol.LinkOnline:
				reported = false
				if wasOnline {
					c.setStatus(st, url)
				}
				wasOnline = true
			case protocol.LinkConnecting, protocol.LinkReconnecting:
				c.setStatus(st, url)
				if err != nil && !reported {
					reported = true
					if st == protocol.LinkConnecting {
						c.settle("", err)
					}
					c.a.emitError("signaling", fmt.Sprintf("The signaling server %s is unreachable; retrying.", url))
				}
			}
		},
	}
	if following {
		local.Follow(&cfg)
	}
	sig, err := client.ConnectOnline(runCtx, cfg)
	if err != nil {
		if runCtx.Err() != nil {
			return nil
		}
		return err
	}
	defer sig.Close()
	c.mu.Lock()
	c.sig = sig
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.sig = nil
		c.mu.Unlock()
	}()

	eng, speaker, err := c.a.newEngine(sig.Name())
	if err != nil {
		return err
	}
	if speaker != nil {
		defer speaker.Close()
	}
	unsubEvents := eng.Subscribe(c.a.onEngineEvent)
	defer unsubEvents()
	unsubFrames := eng.Frames().Subscribe(c.a.frameSink())
	defer unsubFrames()

	c.a.setEngine(eng, sig.Name(), sig.Users())
	defer c.a.setEngine(nil, "", nil)
	c.setStatus(protocol.LinkOnline, where())
	c.settle(sig.Name(), nil)
	c.a.applyControls(eng)
	err = eng.Run(runCtx, sig)
	if runCtx.Err() != nil {
		return nil
	}
	return err
}

// newEngine builds an engine for the current settings, with the speaker it
// plays to (nil when none could be opened); the caller closes the speaker
// after the engine has stopped.
func (a *App) newEngine(name string) (*engine.Engine, audio.Output, error) {
	a.mu.Lock()
	st := a.settings
	// The new engine opens the saved devices, whatever a preview had open.
	a.live = st
	a.mu.Unlock()
	a.devices.setVideo(st.Resolution, st.FrameRate)
	var ice []webrtc.ICEServer
	for _, s := range st.ICEServers {
		ice = append(ice, webrtc.ICEServer{URLs: s.URLs, Username: s.Username, Credential: s.Credential})
	}
	out := &speakerSwitch{}
	if sp, err := a.devices.openSpeaker(st.Speaker, a.opts.FakeMedia); err != nil {
		a.emitError("media", "No speaker could be opened, so you will not hear the other side: "+err.Error())
	} else {
		out.swap(sp)
	}
	a.mu.Lock()
	a.speaker = out
	a.mu.Unlock()
	eng, err := engine.New(engine.Config{
		Name:       name,
		ICEServers: ice,
		Devices:    a.devices,
		Camera:     st.Camera,
		Microphone: st.Microphone,
		Audio:      out,
		AutoAnswer: a.opts.AutoAnswer,
		Logger:     a.log.With("component", "engine"),
	})
	if err != nil {
		_ = out.Close()
		return nil, nil, err
	}
	return eng, out, nil
}

// setEngine records the live engine with the name and users its
// connection registered (the engine reports them again once it runs).
func (a *App) setEngine(e *engine.Engine, name string, users []string) {
	if e == nil {
		a.ring.silence() // the engine is gone, and the call it rang for
	}
	a.mu.Lock()
	a.eng, a.name, a.users = e, name, users
	if e == nil {
		a.speaker = nil // closed by the ended serve
		a.stateSeq++
		a.call = CallState{State: engine.Idle, Since: time.Now().UnixMilli(), Seq: a.stateSeq}
	}
	a.mu.Unlock()
}

// applyControls carries mute and camera-off over to a new connection's
// engine, so a reconnect does not unmute the user.
func (a *App) applyControls(e *engine.Engine) {
	a.mu.Lock()
	muted, off := a.muted, a.cameraOff
	a.mu.Unlock()
	a.goRun(func() {
		if muted {
			_ = e.SetMuted(true)
		}
		if off {
			_ = e.SetCameraOn(false)
		}
	})
}
