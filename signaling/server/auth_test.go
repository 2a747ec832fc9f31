package server

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/signaling/auth"
	"github.com/parleyhq/parley/signaling/protocol"
)

func authorizer(t *testing.T, mode auth.Mode, secret string) auth.Authorizer {
	t.Helper()
	a, err := auth.New(mode, secret)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// expectUnauthorized checks that a refused client gets the unauthorized
// error, then close 1008, and nothing else: no id, no user list.
func expectUnauthorized(t *testing.T, c *wsClient) {
	t.Helper()
	m := c.next()
	if m.Type != protocol.TypeError || m.Code != protocol.ErrUnauthorized {
		t.Fatalf("first frame %+v, want an unauthorized error", m)
	}
	if code := c.closeStatus(); code != websocket.StatusPolicyViolation {
		t.Fatalf("close %v, want 1008", code)
	}
}

func TestSharedTokenAuth(t *testing.T) {
	ts := start(t, Config{Auth: authorizer(t, auth.ModeToken, "letmein")})
	watcher := mdnDial(t, ts.url()+"?token=letmein")
	watcher.register("watcher")

	header := http.Header{"Authorization": {"Bearer letmein"}}
	bearer := dialWS(t, ts.url(), &websocket.DialOptions{Subprotocols: []string{"json"}, HTTPHeader: header})
	bearer.register("bearer")

	for name, url := range map[string]string{
		"no token":    ts.url(),
		"wrong token": ts.url() + "?token=letmeout",
		"prefix":      ts.url() + "?token=letme",
	} {
		t.Run(name, func(t *testing.T) {
			expectUnauthorized(t, mdnDial(t, url))
		})
	}
	if users := ts.Hub().Users(); !slices.Equal(sorted(users), []string{"bearer", "watcher"}) {
		t.Errorf("users %v", users)
	}
}

func TestSignedTokenBindsName(t *testing.T) {
	ts := start(t, Config{Auth: authorizer(t, auth.ModeSigned, "k")})
	tok, err := auth.Sign("k", "alice", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	alice := mdnDial(t, ts.url()+"?token="+tok)
	if l := alice.register("alice"); !slices.Contains(l.Users, "alice") {
		t.Fatalf("list %v", l.Users)
	}

	// The same token cannot register another name.
	mallory := mdnDial(t, ts.url()+"?token="+tok)
	id := mallory.until(protocol.TypeID)
	mallory.send(&protocol.Message{Type: protocol.TypeUsername, Name: "bob", ID: id.ID})
	for {
		m := mallory.next()
		if m.Type == protocol.TypeUserlist || m.Type == protocol.TypeUserJoined {
			t.Fatalf("refused client got %+v", m)
		}
		if m.Type == protocol.TypeError {
			if m.Code != protocol.ErrUnauthorized {
				t.Fatalf("error %+v", m)
			}
			break
		}
	}
	if code := mallory.closeStatus(); code != websocket.StatusPolicyViolation {
		t.Fatalf("close %v, want 1008", code)
	}

	expired, _ := auth.Sign("k", "alice", time.Minute, time.Now().Add(-time.Hour))
	forged, _ := auth.Sign("not-k", "alice", time.Hour, time.Now())
	expectUnauthorized(t, mdnDial(t, ts.url()+"?token="+expired))
	expectUnauthorized(t, mdnDial(t, ts.url()+"?token="+forged))
	if users := ts.Hub().Users(); !slices.Equal(users, []string{"alice"}) {
		t.Errorf("users %v", users)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
