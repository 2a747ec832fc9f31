//go:build desktop || dev

package main

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"os"

	"github.com/parleyhq/parley/app/backend"
	"github.com/parleyhq/parley/app/bridge"
	"github.com/parleyhq/parley/app/desktop"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/settings"
)

//go:embed all:frontend
var frontendFiles embed.FS

//go:embed build/appicon.png
var appIcon []byte

// runWindow opens the desktop window and returns when it closes. The
// window owns the engine's lifecycle through app/backend; ctx is not used
// because Wails handles SIGINT itself and closes the window.
func runWindow(_ context.Context, o windowOptions) error {
	if err := testmedia.RegisterFor(o.FakeMedia, o.FakeWebcam); err != nil {
		return err
	}
	path, err := settings.DefaultPath()
	if err != nil {
		return err
	}
	// One window per settings folder: a parley:// link clicked while Parley
	// runs goes to that window, and tests with several desktops (each with
	// its own folder) stay apart.
	sum := sha256.Sum256([]byte(path))
	id := "parley-" + hex.EncodeToString(sum[:8])
	if desktop.HandOver(id, os.Args[1:]) {
		o.Logger.Info("handed the command line to the Parley window already open")
		return nil
	}
	origins := bridge.DefaultOrigins
	// The dev build serves the page from the address in $devserver; the
	// frame bridge must accept that origin as well.
	if dev := os.Getenv("devserver"); dev != "" {
		origins = append(append([]string{}, origins...), "http://"+dev)
	}
	reports, closeReports, err := o.Measure.openReports()
	if err != nil {
		return err
	}
	defer func() { _ = closeReports() }()
	backend, err := backend.New(backend.Options{
		Settings:      settings.NewStore(path),
		Server:        o.Server,
		Name:          o.Name,
		FakeMedia:     o.FakeMedia,
		AutoAnswer:    o.AutoAnswer,
		StampLatency:  o.Measure.stampLatency,
		Reports:       reports,
		EmbeddedAddr:  o.Listen,
		NoDiscovery:   o.NoDiscovery,
		Join:          o.Join,
		BridgeOrigins: origins,
		Logger:        o.Logger,
	})
	if err != nil {
		return err
	}
	assets, err := fs.Sub(frontendFiles, "frontend")
	if err != nil {
		return err
	}
	return desktop.Run(backend, desktop.Options{Assets: assets, Icon: appIcon, Version: o.Version, InstanceID: id})
}
