//go:build !desktop && !dev

package main

import (
	"context"
	"errors"
)

// errNoWindow explains why a plain `go build` binary opens no window: the
// window needs Wails and WebKitGTK, which only the desktop build links.
var errNoWindow = errors.New("this binary has no window: use --headless, or build the desktop app with `make run`")

// runWindow would open the desktop window. This build has none; the
// desktop build's runWindow (window_desktop.go, tags desktop or dev) opens
// the Wails window and returns nil when it is closed.
func runWindow(context.Context, windowOptions) error {
	return errNoWindow
}
