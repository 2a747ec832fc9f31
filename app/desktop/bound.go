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
	ctx     context.Context
	version string
}

func (a *App) Snapshot() backend.Snapshot                  { return a.backend.Snapshot() }
func (a *App) Login(name string) (string, error)           { return a.backend.Login(name) }
func (a *App) Reconnect()                                  { a.backend.Reconnect() }
func (a *App) Call(user string) error                      { return a.backend.Call(user) }
func (a *App) Accept() error                               { return a.backend.Accept() }
func (a *App) Decline() error                              { return a.backend.Decline() }
func (a *App) HangUp() error                               { return a.backend.HangUp() }
func (a *App) SetMuted(muted bool) error                   { return a.backend.SetMuted(muted) }
func (a *App) SetCameraOff(off bool) error                 { return a.backend.SetCameraOff(off) }
func (a *App) SendChat(text string) error                  { return a.backend.SendChat(text) }
func (a *App) GetSettings() settings.Settings              { return a.backend.GetSettings() }
func (a *App) ListDevices() (backend.Devices, error)       { return a.backend.ListDevices() }
func (a *App) PreviewDevices(d backend.DeviceChoice) error { return a.backend.PreviewDevices(d) }
func (a *App) FrameBridgeURL() (string, error)             { return a.backend.FrameBridgeURL() }
func (a *App) ServerInfo() backend.ServerInfo              { return a.backend.ServerInfo() }
func (a *App) JoinLink(link string) error                  { return a.backend.JoinLink(link) }
func (a *App) PlayTestSound(speaker string) error          { return a.backend.PlayTestSound(speaker) }
func (a *App) Version() string                             { return a.version }
func (a *App) ReportVideo(r backend.VideoReport)           { a.backend.ReportVideo(r) }
func (a *App) SaveSettings(s settings.Settings) (*backend.FieldError, error) {
	return a.backend.SaveSettings(s)
}

// CopyText puts text on the clipboard (the invite link): WebKitGTK's
// navigator.clipboard is unavailable on the wails:// origin.
func (a *App) CopyText(text string) error { return runtime.ClipboardSetText(a.ctx, text) }
