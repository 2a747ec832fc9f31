// Package shared holds the ES modules (and their styles) both of Parley's pages import: the
// desktop window's (frontend/, served by Wails' asset server) and the
// browser client's (signaling/web, served by parley-signal). There is no
// bundler, so the two pages share files by URL: each server mounts these
// modules under Path, and a page imports them as "../shared/<file>.js" from
// its js/ folder. The type checker finds them through rootDirs in each
// page's tsconfig.json.
package shared

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

// Path is where both servers serve the modules.
const Path = "/shared/"

//go:embed *.js *.css
var files embed.FS

// FS holds the modules at its root ("dom.js", ...).
var FS fs.FS = files

// Handler serves FS under Path. The window's asset server falls back to it
// for what frontend/ does not have, in the production build and in the dev
// build that reads frontend/ from disk alike.
func Handler() http.Handler {
	return http.StripPrefix(strings.TrimSuffix(Path, "/"), http.FileServerFS(FS))
}

// Mount returns page with FS added under Path: the browser client's files
// as parley-signal serves them.
func Mount(page fs.FS) fs.FS { return mounted{page} }

type mounted struct{ page fs.FS }

func (m mounted) Open(name string) (fs.File, error) {
	dir := strings.Trim(Path, "/")
	if name == dir {
		return FS.Open(".")
	}
	if rest, ok := strings.CutPrefix(name, dir+"/"); ok {
		return FS.Open(rest)
	}
	return m.page.Open(name)
}
