package desktop

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/parleyhq/parley/app/settings"
	"github.com/parleyhq/parley/app/ui"
)

// App is bound to the window; the page calls its methods as
// window.go.desktop.App.<Method>() (frontend/js/backend.js). Each delegates
// to app/ui: the methods are listed one by one so that nothing else of
// ui.App (Start, Stop) is reachable from the page.
type App struct {
	ui      *ui.App
	ctx     context.Context
	version string
}

func (a *App) Snapshot() ui.Snapshot                  { return a.ui.Snapshot() }
func (a *App) Login(name string) (string, error)      { return a.ui.Login(name) }
func (a *App) Reconnect()                             { a.ui.Reconnect() }
func (a *App) Call(user string) error                 { return a.ui.Call(user) }
func (a *App) Accept() error                          { return a.ui.Accept() }
func (a *App) Decline() error                         { return a.ui.Decline() }
func (a *App) HangUp() error                          { return a.ui.HangUp() }
func (a *App) SetMuted(muted bool) error              { return a.ui.SetMuted(muted) }
func (a *App) SetCameraOff(off bool) error            { return a.ui.SetCameraOff(off) }
func (a *App) SendChat(text string) error             { return a.ui.SendChat(text) }
func (a *App) GetSettings() settings.Settings         { return a.ui.GetSettings() }
func (a *App) ListDevices() (ui.Devices, error)       { return a.ui.ListDevices() }
func (a *App) PreviewDevices(d ui.DeviceChoice) error { return a.ui.PreviewDevices(d) }
func (a *App) FrameBridgeURL() (string, error)        { return a.ui.FrameBridgeURL() }
func (a *App) ServerInfo() ui.ServerInfo              { return a.ui.ServerInfo() }
func (a *App) JoinLink(link string) error             { return a.ui.JoinLink(link) }
func (a *App) PlayTestSound(speaker string) error     { return a.ui.PlayTestSound(speaker) }
func (a *App) Version() string                        { return a.version }
func (a *App) ReportVideo(r ui.VideoReport)           { a.ui.ReportVideo(r) }
func (a *App) SaveSettings(s settings.Settings) (*ui.FieldError, error) {
	return a.ui.SaveSettings(s)
}

// CopyText puts text on the clipboard (the invite link): WebKitGTK's
// navigator.clipboard is unavailable on the wails:// origin.
func (a *App) CopyText(text string) error { return runtime.ClipboardSetText(a.ctx, text) }
