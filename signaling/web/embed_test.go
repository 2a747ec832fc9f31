package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// parley-signal serves the client's own files and, beside them, the
// modules it shares with the desktop window: the page imports both.
func TestServesTheClientAndTheSharedModules(t *testing.T) {
	srv := httptest.NewServer(http.FileServerFS(FS))
	defer srv.Close()
	for path, want := range map[string]string{
		"/":                    "text/html",
		"/js/app.js":           "text/javascript",
		"/shared/dom.js":       "text/javascript",
		"/shared/endtext.js":   "text/javascript",
		"/shared/no-such.js":   "",
		"/js/../shared/dom.js": "text/javascript",
	} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		ct := res.Header.Get("Content-Type")
		switch {
		case want == "" && res.StatusCode != http.StatusNotFound:
			t.Errorf("GET %s: %s, want 404", path, res.Status)
		case want != "" && (res.StatusCode != http.StatusOK || !strings.HasPrefix(ct, want)):
			t.Errorf("GET %s: %s %q, want 200 %s", path, res.Status, ct, want)
		}
	}
}
