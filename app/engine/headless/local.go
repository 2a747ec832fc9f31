package headless

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync/atomic"

	"github.com/parleyhq/parley/app/builtin"
	"github.com/parleyhq/parley/app/settings"
	"github.com/parleyhq/parley/signaling/client"
)

// startLocal runs the built-in server as the desktop window does, with
// LAN discovery when asked. Every change of meeting place is printed as a
// "server" line and moves the session there.
// live is the signaling link once there is one: the Meeting may move
// before it exists.
func startLocal(ctx context.Context, o Options, live *atomic.Pointer[client.Link]) (*builtin.Local, error) {
	dir := o.ConfigDir
	if dir == "" {
		path, err := settings.DefaultPath()
		if err != nil {
			return nil, err
		}
		dir = filepath.Dir(path)
	}
	pins, err := settings.OpenPins(filepath.Join(dir, "pins.json"))
	if err != nil && o.Logger != nil {
		o.Logger.Warn("pinned server certificates reset", "err", err)
	}
	l, err := builtin.StartLocal(ctx, builtin.LocalConfig{
		Config:    builtin.Config{Addr: o.Listen, CertDir: filepath.Join(dir, "tls"), Logger: o.Logger},
		Discovery: o.Discovery,
		Host:      o.Name,
		Pins:      pins,
		OnMove: func(p builtin.Place) {
			printPlace(o.Out, p)
			if s := live.Load(); s != nil {
				s.Refresh()
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("the built-in server could not start: %w", err)
	}
	for _, link := range l.Links() {
		fmt.Fprintf(o.Out, "invite %s\n", jsonLine(map[string]string{"link": link.String()}))
	}
	<-l.Ready()
	printPlace(o.Out, l.Place())
	return l, nil
}

// printPlace writes a "server" line: where the peer signs in now.
func printPlace(w io.Writer, p builtin.Place) {
	fmt.Fprintf(w, "server %s\n", jsonLine(map[string]any{
		"url": p.URL, "own": p.Own, "host": p.Host, "fingerprint": p.Fingerprint, "firstJoin": p.FirstJoin,
	}))
}
