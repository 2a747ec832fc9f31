package backend

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/app/audio"
	"github.com/parleyhq/parley/app/bridge"
	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/settings"
	"github.com/parleyhq/parley/internal/testsignal"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/client"
	"github.com/parleyhq/parley/signaling/protocol"
	"github.com/parleyhq/parley/signaling/server"
)

// recorder is an Emitter that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []event
}

func (r *recorder) Emit(name string, payload any) {
	r.mu.Lock()
	r.events = append(r.events, event{name, payload})
	r.mu.Unlock()
}

// find returns the first event named name whose payload satisfies ok.
func (r *recorder) find(name string, ok func(any) bool) (any, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ev := range r.events {
		if ev.name == name && (ok == nil || ok(ev.payload)) {
			return ev.payload, true
		}
	}
	return nil, false
}

// newApp starts an App on the embedded server with fake media; each of
// before may change it before it starts.
func newApp(t *testing.T, dir string, opts Options, before ...func(*App)) (*App, *recorder) {
	t.Helper()
	testmedia.Register()
	opts.Settings = settings.NewStore(filepath.Join(dir, "settings.json"))
	opts.EmbeddedAddr = "127.0.0.1:0"
	opts.FakeMedia = true
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range before {
		fn(a)
	}
	rec := &recorder{}
	if err := a.Start(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Stop)
	return a, rec
}

func callState(want engine.State) func(any) bool {
	return func(p any) bool { return p.(CallState).State == want }
}

// A browser-less walk through what the window does: log in to the embedded
// server, be called by another user, accept, receive frames over the frame
// bridge, hang up, and leave no goroutine behind.
func TestEmbeddedServerCallThroughBridge(t *testing.T) {
	base := runtime.NumGoroutine()
	a, rec := newApp(t, t.TempDir(), Options{})

	info := a.ServerInfo()
	if !info.Embedded || len(info.Links) == 0 || len(info.Fingerprint) != 95 {
		t.Fatalf("embedded server info = %+v", info)
	}
	name, err := a.Login("alice")
	if err != nil || name != "alice" {
		t.Fatalf("Login = %q, %v", name, err)
	}
	if s := a.Snapshot(); s.Signaling.Status != protocol.LinkOnline || s.Name != "alice" {
		t.Fatalf("snapshot after login = %+v", s)
	}

	// The page's side of the bridge.
	url, err := a.FrameBridgeURL()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"wails://wails"}}})
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(8 << 20)
	defer ws.CloseNow()
	remote := make(chan bridge.Header, 16)
	go func() {
		for {
			_, msg, err := ws.Read(ctx)
			if err != nil {
				return
			}
			if h, err := bridge.DecodeHeader(msg); err == nil && h.Stream == frames.Remote {
				select {
				case remote <- h:
				default:
				}
			}
		}
	}()

	// Bob is a plain engine on the same embedded server. He starts once
	// alice's engine has opened its devices (it reports her name after
	// that): mediadevices' driver state is not safe for two engines
	// opening devices at once in one process.
	testwait.Until(t, "alice's engine running", 10*time.Second, func() bool {
		_, ok := rec.find("name", nil)
		return ok
	})
	bob := dialEmbedded(t, a, "bob")
	testwait.Until(t, "bob in alice's user list", 10*time.Second, func() bool {
		return strings.Contains(strings.Join(a.Snapshot().Users, ","), "bob")
	})
	if err := bob.Call("alice"); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "incoming-call event", 15*time.Second, func() bool {
		_, ok := rec.find("incoming-call", nil)
		return ok
	})
	if err := a.Accept(); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "in-call", 30*time.Second, func() bool {
		_, ok := rec.find("state", callState(engine.InCall))
		return ok
	})
	select {
	case h := <-remote:
		if h.Width != 640 || h.Height != 480 {
			t.Fatalf("remote frame %dx%d, want 640x480", h.Width, h.Height)
		}
	case <-ctx.Done():
		t.Fatal("no remote frame reached the bridge")
	}

	// Bob turns his camera off: the page is told, and a page loaded now
	// finds it in the snapshot; the call's end clears it.
	if err := bob.SetCameraOn(false); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "peer-media event", 15*time.Second, func() bool {
		_, ok := rec.find("peer-media", func(p any) bool {
			m := p.(engine.PeerMediaChanged)
			return m.Peer == "bob" && !m.Video
		})
		return ok
	})
	if pm := a.Snapshot().PeerMedia; pm == nil || pm.Peer != "bob" || pm.Video {
		t.Fatalf("snapshot's peer media = %+v, want bob's camera off", pm)
	}
	if err := a.HangUp(); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "ended", 10*time.Second, func() bool {
		p, ok := rec.find("state", callState(engine.Ended))
		return ok && p.(CallState).Reason == engine.ReasonLocalHangUp
	})
	if pm := a.Snapshot().PeerMedia; pm != nil {
		t.Errorf("peer media %+v outlived the call", pm)
	}
	ws.Close(websocket.StatusNormalClosure, "")
	bob.stop()
	a.Stop()
	testwait.Until(t, "goroutines back to baseline", 10*time.Second, func() bool {
		return runtime.NumGoroutine() <= base+2
	})
}

type bobPeer struct {
	*engine.Engine
	cancel context.CancelFunc
	done   chan struct{}
}

// stop ends bob's engine and connection and waits for them.
func (b *bobPeer) stop() {
	b.cancel()
	<-b.done
}

func dialEmbedded(t *testing.T, a *App, name string) *bobPeer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c, err := client.Dial(ctx, client.Config{URL: a.local.LocalURL(), Name: name, TLS: a.local.ClientTLS()})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	eng, err := engine.New(engine.Config{
		Devices: engine.NewMediaDevices(media.VideoRequest{Width: 640, Height: 480}, media.CodecConfig{}),
		Camera:  testmedia.CameraB,
	})
	if err != nil {
		t.Fatal(err)
	}
	b := &bobPeer{Engine: eng, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(b.done)
		_ = eng.Run(ctx, c)
		c.Close()
	}()
	t.Cleanup(b.stop)
	return b
}

// A corrupt settings file is set aside, the app starts with defaults, and
// the page learns why.
func TestCorruptSettingsStillStarts(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "settings.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, rec := newApp(t, dir, Options{})
	s := a.Snapshot()
	if s.SettingsWarning == nil || s.SettingsWarning.Reason != settings.ResetCorrupt {
		t.Fatalf("snapshot warning = %+v", s.SettingsWarning)
	}
	if _, err := os.Stat(filepath.Join(dir, "settings.json.bak")); err != nil {
		t.Fatalf("old file not kept: %v", err)
	}
	testwait.Until(t, "settings-warning event", 5*time.Second, func() bool {
		_, ok := rec.find(EventSettingsWarning, nil)
		return ok
	})
	if got := a.GetSettings(); got.Resolution != settings.Defaults().Resolution {
		t.Fatalf("settings after reset = %+v", got)
	}
}

// A refused value comes back as a field error and nothing is saved.
func TestSaveSettingsValidates(t *testing.T) {
	a, _ := newApp(t, t.TempDir(), Options{})
	s := a.GetSettings()
	s.SignalingURL = "ftp://example.invalid"
	fe, err := a.SaveSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	if fe == nil || fe.Field != "signalingUrl" {
		t.Fatalf("field error = %+v", fe)
	}
	if a.GetSettings().SignalingURL != "" {
		t.Fatal("a refused URL was applied")
	}
	b, _ := json.Marshal(fe)
	if !strings.Contains(string(b), `"field":"signalingUrl"`) {
		t.Fatalf("field error JSON = %s", b)
	}
}

// Bad names are refused with a sentence, and the app keeps running.
func TestLoginRejectsBadName(t *testing.T) {
	a, _ := newApp(t, t.TempDir(), Options{})
	if _, err := a.Login("  "); err == nil {
		t.Fatal("an empty name was accepted")
	}
	if _, err := a.Login(strings.Repeat("x", 40)); err == nil {
		t.Fatal("a 40-character name was accepted")
	}
	if name, err := a.Login("carol"); err != nil || name != "carol" {
		t.Fatalf("Login after bad names = %q, %v", name, err)
	}
}

// The speaker can change mid-connection: the engine keeps writing to the
// same output, which now plays to the new device.
func TestSpeakerSwitchForwardsAndCloses(t *testing.T) {
	sw := &speakerSwitch{}
	if err := sw.Write(make([]float32, 4), 1); err != nil {
		t.Fatalf("write without a speaker: %v", err)
	}
	first, second := audio.NewCapture(1), audio.NewCapture(1)
	sw.swap(first)
	_ = sw.Write([]float32{0.5, 0.5}, 1)
	sw.swap(second)
	_ = sw.Write([]float32{0.25}, 1)
	if got := len(first.Samples()); got != 2 {
		t.Fatalf("first speaker got %d samples, want 2", got)
	}
	if got := len(second.Samples()); got != 1 {
		t.Fatalf("second speaker got %d samples, want 1", got)
	}
	if err := first.Write([]float32{1}, 1); err == nil {
		t.Fatal("the replaced speaker was not closed")
	}
	_ = sw.Close()
	if err := second.Write([]float32{1}, 1); err == nil {
		t.Fatal("Close did not close the current speaker")
	}
}

// A call in progress survives the signaling server going away: media is
// peer to peer. The page is told "reconnecting", then "online" again once
// the server is back, and the call is still up.
func TestCallSurvivesSignalingRestart(t *testing.T) {
	srv := testsignal.Start(t, server.Config{})
	url := srv.URL()
	a, rec := newApp(t, t.TempDir(), Options{Server: url})
	if _, err := a.Login("alice"); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "alice's engine running", 10*time.Second, func() bool {
		_, ok := rec.find("name", nil)
		return ok
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bobSig, err := client.ConnectOnline(ctx, client.LinkConfig{Config: client.Config{URL: url, Name: "bob"}, MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := engine.New(engine.Config{
		Devices: engine.NewMediaDevices(media.VideoRequest{Width: 320, Height: 240}, media.CodecConfig{}),
		Camera:  testmedia.CameraB, AutoAnswer: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	bobDone := make(chan struct{})
	go func() {
		defer close(bobDone)
		_ = bob.Run(ctx, bobSig)
	}()
	defer func() {
		cancel()
		<-bobDone
		bobSig.Close()
	}()
	testwait.Until(t, "bob online", 10*time.Second, func() bool {
		return strings.Contains(strings.Join(a.Snapshot().Users, ","), "bob")
	})
	if err := a.Call("bob"); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "in-call", 30*time.Second, func() bool {
		_, ok := rec.find("state", callState(engine.InCall))
		return ok
	})

	srv.Stop()
	testwait.Until(t, "reconnecting status", 15*time.Second, func() bool {
		_, ok := rec.find(EventSignaling, func(p any) bool { return p.(SignalingEvent).Status == protocol.LinkReconnecting })
		return ok
	})
	if st := a.Snapshot().Call.State; st != engine.InCall {
		t.Fatalf("the call did not survive the outage: state %s", st)
	}
	testsignal.StartOn(t, srv.Addr, server.Config{}) // the same port: clients come back on their own
	testwait.Until(t, "online again", 30*time.Second, func() bool {
		return a.Snapshot().Signaling.Status == protocol.LinkOnline
	})
	if st := a.Snapshot().Call.State; st != engine.InCall {
		t.Fatalf("the call ended after the server came back: state %s", st)
	}
	if err := a.HangUp(); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "ended", 10*time.Second, func() bool {
		_, ok := rec.find("state", callState(engine.Ended))
		return ok
	})
}
