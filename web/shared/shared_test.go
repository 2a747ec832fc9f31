package shared

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// Every module a page imports from ../shared/ is embedded: a file added to
// the folder but not matched by the embed pattern, or an import of one
// that does not exist, fails here rather than as a blank window.
func TestPagesImportOnlyWhatIsEmbedded(t *testing.T) {
	imp := regexp.MustCompile(`from '\.\./shared/([\w.-]+)'`)
	seen := 0
	for _, dir := range []string{"../../frontend/js", "../../signaling/web/static/js"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.js"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no modules in %s (%v)", dir, err)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range imp.FindAllSubmatch(src, -1) {
				seen++
				if _, err := fs.Stat(FS, string(m[1])); err != nil {
					t.Errorf("%s imports ../shared/%s, which is not embedded: %v", f, m[1], err)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("no page imports a shared module")
	}
}

func TestHandlerServesModulesUnderPath(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + Path + "dom.js")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	// Browsers refuse a module script served as anything but JavaScript.
	if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/javascript") {
		t.Fatalf("GET %sdom.js: %s, %q", Path, res.Status, ct)
	}
	res, err = http.Get(srv.URL + "/dom.js")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /dom.js outside %s: %s", Path, res.Status)
	}
}

func TestMountAddsModulesBesideThePage(t *testing.T) {
	page := fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}, "js/app.js": {Data: []byte("")}}
	m := Mount(page)
	for _, name := range []string{"index.html", "js/app.js", "shared/dom.js", "shared"} {
		if _, err := fs.Stat(m, name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := fs.Stat(m, "shared/index.html"); err == nil {
		t.Error("the page's files show under shared/")
	}
}
