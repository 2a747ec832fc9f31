package backend

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"time"

	"github.com/parleyhq/parley/app/audio"
	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/settings"
	"github.com/parleyhq/parley/signaling/protocol"
)

// The methods below are the UI contract (frontend/js/backend.js): the
// desktop adapter binds them to the window as they are. Errors reach the
// page as rejected promises carrying the error's text, so every error
// returned here is a sentence a user can read.

// loginTimeout bounds how long Login waits for the server to answer.
const loginTimeout = 15 * time.Second

// Snapshot is everything the page needs after a (re)load.
type Snapshot struct {
	Signaling       SignalingEvent           `json:"signaling"`
	Name            string                   `json:"name"`
	Users           []string                 `json:"users"`
	Call            CallState                `json:"call"`
	Muted           bool                     `json:"muted"`
	CameraOff       bool                     `json:"cameraOff"`
	PeerMedia       *engine.PeerMediaChanged `json:"peerMedia"` // the peer's camera/microphone, null until it says: a page loaded mid-call shows it at once
	SettingsWarning *SettingsWarning         `json:"settingsWarning"`
	DisplayName     string                   `json:"displayName"`
}

// Snapshot returns the current state.
func (a *App) Snapshot() Snapshot {
	sig := SignalingEvent{Status: protocol.LinkOffline}
	if a.conn != nil {
		sig = a.conn.current()
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	users := append([]string{}, a.users...)
	return Snapshot{
		Signaling: sig, Name: a.name, Users: users, Call: a.call,
		Muted: a.muted, CameraOff: a.cameraOff, PeerMedia: a.peerMedia, SettingsWarning: a.warning,
		DisplayName: a.settings.DisplayName,
	}
}

// Login saves name as the display name and (re)connects under it. It
// returns the name the server gave, which has a number appended when the
// name was taken.
func (a *App) Login(name string) (string, error) {
	n, perr := protocol.ValidateName(name)
	if perr != nil {
		return "", errors.New(perr.Detail)
	}
	a.mu.Lock()
	next := a.settings
	a.mu.Unlock()
	next.DisplayName = n
	if err := a.save(next); err != nil {
		return "", err
	}
	if a.conn == nil {
		return "", errors.New("the app is not started")
	}
	wait := a.conn.awaitLogin()
	a.conn.requestRestart()
	select {
	case r := <-wait:
		return r.name, r.err
	case <-time.After(loginTimeout):
		return "", errors.New("the signaling server did not answer in time; still trying")
	}
}

// Reconnect drops the signaling connection, if any, and connects again now.
func (a *App) Reconnect() {
	if a.conn != nil {
		a.conn.requestRestart()
	}
}

// running returns the live engine or an error the page can show.
func (a *App) running() (*engine.Engine, error) {
	if e := a.engine(); e != nil {
		return e, nil
	}
	return nil, errors.New("not connected to the signaling server")
}

// Call places a call to user.
func (a *App) Call(user string) error {
	e, err := a.running()
	if err != nil {
		return err
	}
	return userError(e.Call(user))
}

// Accept answers the ringing call.
func (a *App) Accept() error {
	e, err := a.running()
	if err != nil {
		return err
	}
	return userError(e.Accept())
}

// Decline refuses the ringing call.
func (a *App) Decline() error {
	e, err := a.running()
	if err != nil {
		return err
	}
	return userError(e.Decline())
}

// HangUp ends the call.
func (a *App) HangUp() error {
	e, err := a.running()
	if err != nil {
		return err
	}
	return userError(e.HangUp())
}

// SetMuted mutes or unmutes the microphone; it holds across calls and
// reconnects.
func (a *App) SetMuted(muted bool) error {
	a.mu.Lock()
	a.muted = muted
	a.mu.Unlock()
	if e := a.engine(); e != nil {
		return userError(e.SetMuted(muted))
	}
	return nil
}

// SetCameraOff stops or resumes sending video; it holds across calls.
func (a *App) SetCameraOff(off bool) error {
	a.mu.Lock()
	a.cameraOff = off
	a.mu.Unlock()
	if e := a.engine(); e != nil {
		return userError(e.SetCameraOn(!off))
	}
	return nil
}

// SendChat sends a chat message to everyone online.
func (a *App) SendChat(text string) error {
	e, err := a.running()
	if err != nil {
		return err
	}
	return userError(e.SendChat(text))
}

// GetSettings returns the settings in use.
func (a *App) GetSettings() settings.Settings { return a.currentSettings() }

// FieldError is what SaveSettings reports for a value it refuses.
type FieldError struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

// SaveSettings validates, stores and applies s: devices switch live (in a
// call too); a new name, server or STUN/TURN list reconnects, once the
// current call has ended if there is one. A refused value is returned as a
// FieldError (nil when saved); only I/O failures are errors.
func (a *App) SaveSettings(s settings.Settings) (*FieldError, error) {
	s.Version = settings.CurrentVersion
	var ve *settings.ValidationError
	if err := s.Validate(); errors.As(err, &ve) {
		return &FieldError{Field: ve.Field, Problem: ve.Problem}, nil
	} else if err != nil {
		return nil, err
	}
	a.mu.Lock()
	old := a.settings
	a.mu.Unlock()
	if err := a.save(s); err != nil {
		return nil, err
	}
	if err := a.applyDevices(s); err != nil {
		a.emitError("media", err.Error())
	}
	a.devices.setVoice(s)
	if old.Discovery != s.Discovery || old.SignalingURL != s.SignalingURL {
		a.syncDiscovery()
	}
	if old.DisplayName != s.DisplayName || old.SignalingURL != s.SignalingURL || !sameICE(old.ICEServers, s.ICEServers) {
		a.restartWhenIdle()
	}
	return nil, nil
}

func (a *App) save(s settings.Settings) error {
	if err := a.store.Save(s); err != nil {
		return errors.New("the settings could not be saved: " + err.Error())
	}
	a.mu.Lock()
	a.settings = s
	a.mu.Unlock()
	if a.local != nil {
		a.local.SetHost(s.DisplayName)
	}
	return nil
}

// DeviceChoice is what the settings panel previews before saving.
type DeviceChoice struct {
	Camera     string `json:"camera"`
	Microphone string `json:"microphone"`
	Resolution string `json:"resolution"`
	FrameRate  int    `json:"frameRate"`
}

// PreviewDevices switches capture now, without saving, so the settings
// panel's preview and level meter show the choice. In a call the peer sees
// and hears the new devices at once.
func (a *App) PreviewDevices(d DeviceChoice) error {
	next := a.liveDevices()
	next.Camera, next.Microphone = d.Camera, d.Microphone
	if d.Resolution != "" {
		next.Resolution = d.Resolution
	}
	if d.FrameRate > 0 {
		next.FrameRate = d.FrameRate
	}
	if _, _, ok := settings.Size(next.Resolution); !ok {
		return errors.New("unknown resolution " + d.Resolution)
	}
	return a.applyDevices(next)
}

// liveDevices returns the devices in use now: the settings' until the
// settings panel previews others.
func (a *App) liveDevices() settings.Settings {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.live
}

// applyDevices opens on the live engine whichever of next's devices differ
// from those in use (a preview may already have opened them), and records
// what is in use. Without an engine the choice applies to the next one.
func (a *App) applyDevices(next settings.Settings) error {
	a.switchMu.Lock()
	defer a.switchMu.Unlock()
	a.mu.Lock()
	old, e := a.live, a.eng
	a.mu.Unlock()
	record := func(fn func(live *settings.Settings)) {
		a.mu.Lock()
		fn(&a.live)
		a.mu.Unlock()
	}
	sizeChanged := old.Resolution != next.Resolution || old.FrameRate != next.FrameRate
	if sizeChanged {
		a.devices.setVideo(next.Resolution, next.FrameRate)
		record(func(l *settings.Settings) { l.Resolution, l.FrameRate = next.Resolution, next.FrameRate })
	}
	if e == nil {
		record(func(l *settings.Settings) {
			l.Camera, l.Microphone, l.Speaker = next.Camera, next.Microphone, next.Speaker
		})
		return nil
	}
	if sizeChanged || old.Camera != next.Camera {
		if err := e.SwitchCamera(next.Camera); err != nil {
			return userError(err)
		}
		record(func(l *settings.Settings) { l.Camera = next.Camera })
	}
	if old.Microphone != next.Microphone {
		if err := e.SwitchMicrophone(next.Microphone); err != nil {
			return userError(err)
		}
		record(func(l *settings.Settings) { l.Microphone = next.Microphone })
	}
	if old.Speaker != next.Speaker {
		a.mu.Lock()
		sw := a.speaker
		a.mu.Unlock()
		if sw != nil {
			sp, err := a.devices.openSpeaker(next.Speaker, a.opts.FakeMedia)
			if err != nil {
				return errors.New("the speaker could not be opened: " + err.Error())
			}
			sw.swap(sp)
		}
		record(func(l *settings.Settings) { l.Speaker = next.Speaker })
	}
	return nil
}

// restartWhenIdle reconnects now, or after the current call: a settings
// change must never cut a call.
func (a *App) restartWhenIdle() {
	if a.conn == nil {
		return
	}
	a.mu.Lock()
	busy := a.call.State != engine.Idle && a.call.State != engine.Ended
	a.mu.Unlock()
	if !busy {
		a.conn.requestRestart()
		return
	}
	a.goRun(func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-a.ctx.Done():
				return
			case <-t.C:
			}
			a.mu.Lock()
			st := a.call.State
			a.mu.Unlock()
			if st == engine.Idle || st == engine.Ended {
				a.conn.requestRestart()
				return
			}
		}
	})
}

// ListDevices returns the cameras, microphones and speakers now.
func (a *App) ListDevices() (Devices, error) { return listDevices() }

// FrameBridgeURL is where the page fetches frames, with this run's token.
func (a *App) FrameBridgeURL() (string, error) {
	if a.bridge == nil {
		return "", errors.New("the frame bridge is not running")
	}
	return a.bridge.URL(), nil
}

// PlayTestSound plays a short chime on the named speaker: mixed into the
// call's sound when the call plays on that speaker (so that the echo
// canceller hears it, and it does not reach the other side), else on the
// device alone.
func (a *App) PlayTestSound(speaker string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	a.mu.Lock()
	sw := a.speaker
	a.mu.Unlock()
	var err error
	if sw != nil && sw.plays(speaker) {
		err = audio.PlaySound(ctx, sw, audio.Chime())
	} else {
		err = audio.PlayTestSound(ctx, speaker)
	}
	if err != nil {
		return errors.New("the test sound could not be played: " + err.Error())
	}
	return nil
}

// userError turns an engine error into its user-facing sentence.
func userError(err error) error {
	var ee *engine.Error
	if errors.As(err, &ee) {
		return errors.New(ee.Text)
	}
	return err
}

func sameICE(a, b []settings.ICEServer) bool {
	return slices.EqualFunc(a, b, func(x, y settings.ICEServer) bool {
		return x.Username == y.Username && x.Credential == y.Credential && slices.Equal(x.URLs, y.URLs)
	})
}

func (a *App) certDir() string {
	if a.opts.ConfigDir != "" {
		return a.opts.ConfigDir
	}
	return filepath.Join(filepath.Dir(a.store.Path()), "tls")
}
