// Package web holds the browser client that parley-signal serves at "/": plain
// HTML, CSS and ES modules, embedded in the binary so a single file is the
// whole server.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// FS is the client's files, rooted so that "index.html" is at the top.
var FS fs.FS = mustSub(static, "static")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time; it cannot be missing
	}
	return sub
}
