// Package web holds the browser client that parley-signal serves at "/": plain
// HTML, CSS and ES modules, embedded in the binary so a single file is the
// whole server. The modules it shares with the desktop window (web/shared)
// are served under /shared/.
package web

import (
	"embed"
	"io/fs"

	"github.com/parleyhq/parley/web/shared"
)

//go:embed static
var static embed.FS

// FS is the client's files, rooted so that "index.html" is at the top, with
// the shared modules under "shared/".
var FS fs.FS = shared.Mount(mustSub(static, "static"))

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time; it cannot be missing
	}
	return sub
}
