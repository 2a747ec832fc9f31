//go:build !desktop && !dev

package main

import (
	"context"
	"errors"

	"github.com/parleyhq/parley/app/engine"
)

// errNoWindow explains why a plain `go build` binary opens no window: the
// window needs Wails and WebKitGTK, which only the desktop build links.
var errNoWindow = errors.New("this binary has no window: use --headless, or build the desktop app with `make run`")

// runWindow would open the desktop window. This build has none; the
// desktop build's runWindow (window_desktop.go, tags desktop or dev) opens
// the Wails window, connects to opts.Server, runs eng until the window
// closes or ctx ends, and returns nil on a normal close.
func runWindow(ctx context.Context, eng *engine.Engine, opts windowOptions) error {
	return errNoWindow
}
