package desktop

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/parleyhq/parley/app/backend"
	"github.com/parleyhq/parley/app/settings"
)

// App is bound to the window; the page calls its methods as
// window.go.desktop.App.<Method>() (frontend/js/backend.js). Each delegates
// to app/backend: the methods are listed one by one so that nothing else of
// backend.App (Start, Stop) is reachable from the page.
type App struct {
	backend *backend.App
	version string
	// started is closed once startup has run backend.Start. Wails calls
	// startup on a goroutine of its own while the page may already load
	// and call in (a Join clicked at once); each call waits for it.
	started chan struct{}
	ctx     context.Context // set by startup
}

// b is the backend, once it has started.
func (a *App) b() *backend.App {
	<-a.started
	return a.backend
}

func (a *App) Snapshot() backend.Snapshot                  { return a.b().Snapshot() }
func (a *App) Login(name string) (string, error)           { return a.b().Login(name) }
func (a *App) Reconnect()                                  { a.b().Reconnect() }
func (a *App) Call(user string) error                      { return a.b().Call(user) }
func (a *App) Accept() error                               { return a.b().Accept() }
func (a *App) Decline() error                              { return a.b().Decline() }
func (a *App) HangUp() error                               { return a.b().HangUp() }
func (a *App) SetMuted(muted bool) error                   { return a.b().SetMuted(muted) }
func (a *App) SetCameraOff(off bool) error                 { return a.b().SetCameraOff(off) }
func (a *App) SendChat(text string) error                  { return a.b().SendChat(text) }
func (a *App) GetSettings() settings.Settings              { return a.b().GetSettings() }
func (a *App) ListDevices() (backend.Devices, error)       { return a.b().ListDevices() }
func (a *App) PreviewDevices(d backend.DeviceChoice) error { return a.b().PreviewDevices(d) }
func (a *App) FrameBridgeURL() (string, error)             { return a.b().FrameBridgeURL() }
func (a *App) ServerInfo() backend.ServerInfo              { return a.b().ServerInfo() }
func (a *App) JoinLink(link string) error                  { return a.b().JoinLink(link) }
func (a *App) PlayTestSound(speaker string) error          { return a.b().PlayTestSound(speaker) }
func (a *App) Version() string                             { return a.version }
func (a *App) ReportVideo(r backend.VideoReport)           { a.b().ReportVideo(r) }
func (a *App) SaveSettings(s settings.Settings) (*backend.FieldError, error) {
	return a.b().SaveSettings(s)
}

// CopyText puts text on the clipboard (the invite link): WebKitGTK's
// navigator.clipboard is unavailable on the wails:// origin.
func (a *App) CopyText(text string) error {
	<-a.started
	return runtime.ClipboardSetText(a.ctx, text)
}
