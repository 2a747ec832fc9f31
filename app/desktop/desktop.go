// Package desktop is the thin Wails adapter: it opens the window, binds App
// (window.go.desktop.App in the page) and forwards events. Everything with
// behaviour lives in app/backend, which runs and is tested without Wails; this
// is the only package that imports it.
package desktop

import (
	"context"
	"fmt"
	"io/fs"
	"strings"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/parleyhq/parley/app/backend"
	"github.com/parleyhq/parley/signaling/invite"
	"github.com/parleyhq/parley/web/shared"
)

// Options configure the window.
type Options struct {
	// Assets is the frontend directory (frontend/ embedded by package main).
	Assets fs.FS
	// Icon is the window icon (PNG).
	Icon []byte
	// Version is shown in About.
	Version string
	// InstanceID names this window among the running ones: a second start
	// with the same ID hands its arguments (a parley:// link) to the first
	// window and exits, as a click on a link while Parley runs should. ""
	// allows any number of windows. On Linux it needs a D-Bus session bus;
	// without one every start opens its own window.
	InstanceID string
}

// Run opens the window and blocks until it closes. b must not be
// started: the window starts it once the page can receive events and stops
// it when the window closes.
func Run(b *backend.App, opts Options) error {
	app := &App{backend: b, version: opts.Version, started: make(chan struct{})}
	preferDarkTheme()
	// What Assets lacks comes from Handler: the modules the page shares
	// with the browser client, under /shared/. The dev build swaps Assets
	// for frontend/ on disk and keeps Handler.
	assets := &assetserver.Options{Assets: opts.Assets, Handler: shared.Handler()}
	err := wails.Run(&options.App{
		Title:              "Parley",
		Width:              1280,
		Height:             800,
		MinWidth:           720,
		MinHeight:          480,
		BackgroundColour:   &options.RGBA{R: 0x12, G: 0x14, B: 0x18, A: 0xff},
		AssetServer:        assets,
		Menu:               app.menu(),
		OnStartup:          app.startup,
		OnShutdown:         app.shutdown,
		Bind:               []any{app},
		SingleInstanceLock: singleInstance(opts.InstanceID, app.secondInstance),
		Linux: &linux.Options{
			Icon:        opts.Icon,
			ProgramName: "parley",
			// No accelerated compositing: under X without a GPU it drew
			// faster, and the page picks its renderer for it (a 2D canvas
			// in WebKitGTK: frontend/js/i420.js). Figures: docs/benchmarks.md.
			WebviewGpuPolicy: linux.WebviewGpuPolicyNever,
		},
	})
	if err != nil {
		return fmt.Errorf("desktop: %w", err)
	}
	return nil
}

func (a *App) startup(ctx context.Context) {
	defer close(a.started)
	a.ctx = ctx
	emit := backend.EmitterFunc(func(name string, payload any) { runtime.EventsEmit(ctx, name, payload) })
	if err := a.backend.Start(ctx, emit); err != nil {
		runtime.LogErrorf(ctx, "parley: %v", err)
		_, _ = runtime.MessageDialog(ctx, runtime.MessageDialogOptions{
			Type: runtime.ErrorDialog, Title: "Parley cannot start", Message: err.Error(),
		})
		runtime.Quit(ctx)
	}
}

func (a *App) shutdown(context.Context) { a.backend.Stop() }

func singleInstance(id string, onSecond func(options.SecondInstanceData)) *options.SingleInstanceLock {
	if id == "" {
		return nil
	}
	return &options.SingleInstanceLock{UniqueId: id, OnSecondInstanceLaunch: onSecond}
}

// secondInstance runs when Parley is started again while this window is
// open: the window comes to the front, and a link it was started with is
// joined here.
func (a *App) secondInstance(d options.SecondInstanceData) {
	if a.ctx == nil {
		return
	}
	runtime.LogInfof(a.ctx, "parley started again with %d arguments", len(d.Args))
	if link := linkArg(d.Args); link != "" {
		a.backend.OpenLink(link)
	}
	runtime.WindowUnminimise(a.ctx)
	runtime.WindowShow(a.ctx)
}

// linkArg finds the invite link in a command line: a parley:// argument,
// as the system's URL handler passes it, or --join's value.
func linkArg(args []string) string {
	for i, arg := range args {
		switch {
		case strings.HasPrefix(arg, invite.Scheme+":"):
			return arg
		case (arg == "--join" || arg == "-join") && i+1 < len(args):
			return args[i+1]
		case strings.HasPrefix(arg, "--join="), strings.HasPrefix(arg, "-join="):
			_, v, _ := strings.Cut(arg, "=")
			return v
		}
	}
	return ""
}

// menu builds the native menu: Parley (About, Quit), Call (Hang up) and
// Settings… (Ctrl+,). Menu actions that the page handles are sent to it as
// "menu" events, so keyboard and menu share one code path.
func (a *App) menu() *menu.Menu {
	m := menu.NewMenu()
	parley := m.AddSubmenu("Parley")
	parley.AddText("About Parley", nil, func(*menu.CallbackData) { a.about() })
	parley.AddSeparator()
	parley.AddText("Quit", keys.CmdOrCtrl("q"), func(*menu.CallbackData) { runtime.Quit(a.ctx) })
	call := m.AddSubmenu("Call")
	call.AddText("Hang up", keys.CmdOrCtrl("e"), func(*menu.CallbackData) { _ = a.backend.HangUp() })
	call.AddText("Mute / unmute", keys.CmdOrCtrl("d"), func(*menu.CallbackData) { a.menuEvent("toggle-mute") })
	call.AddText("Camera on / off", keys.CmdOrCtrl("k"), func(*menu.CallbackData) { a.menuEvent("toggle-camera") })
	settings := m.AddSubmenu("Settings")
	settings.AddText("Settings…", keys.CmdOrCtrl(","), func(*menu.CallbackData) { a.menuEvent("settings") })
	return m
}

func (a *App) menuEvent(action string) {
	if a.ctx != nil {
		runtime.EventsEmit(a.ctx, backend.EventMenu, action)
	}
}

func (a *App) about() {
	_, _ = runtime.MessageDialog(a.ctx, runtime.MessageDialogOptions{
		Type:    runtime.InfoDialog,
		Title:   "About Parley",
		Message: "Parley " + a.version + "\nOpen video calls, desktop to desktop or browser.",
	})
}
