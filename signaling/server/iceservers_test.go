package server

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/signaling/protocol"
)

// Each registered client gets ICE servers for its own name, and fresh ones
// before they expire.
func TestICEServersIssuedAndRefreshed(t *testing.T) {
	var issued atomic.Int32
	ts := start(t, Config{ICEServers: func(user string) ([]protocol.ICEServer, time.Time, error) {
		n := issued.Add(1)
		// Expiring now makes the refresh come at minRefresh.
		return []protocol.ICEServer{{URLs: []string{"turn:127.0.0.1:3478"}, Username: fmt.Sprintf("%d:%s", n, user), Credential: "c"}}, time.Now(), nil
	}})
	c := mdnDial(t, ts.url())
	id := c.until(protocol.TypeID)
	c.send(&protocol.Message{Type: protocol.TypeUsername, Name: "ice", ID: id.ID})
	first := c.until(protocol.TypeICEServers)
	if len(first.ICEServers) != 1 || first.ICEServers[0].Username != "1:ice" {
		t.Fatalf("ice servers %+v", first.ICEServers)
	}
	// A rename gets credentials for the new name.
	c.send(&protocol.Message{Type: protocol.TypeUsername, Name: "ice2", ID: id.ID})
	if m := c.until(protocol.TypeICEServers); m.ICEServers[0].Username != "2:ice2" {
		t.Fatalf("after rename %+v", m.ICEServers)
	}
	if testing.Short() {
		return
	}
	deadline := time.Now().Add(minRefresh + 20*time.Second)
	for {
		m, err := c.tryNext(time.Until(deadline))
		if err != nil {
			t.Fatalf("no refresh: %v", err)
		}
		if m.Type == protocol.TypeICEServers {
			if m.ICEServers[0].Username != "3:ice2" {
				t.Fatalf("refresh %+v", m.ICEServers)
			}
			return
		}
	}
}

// An unregistered connection gets no credentials.
func TestNoICEServersBeforeRegistration(t *testing.T) {
	ts := start(t, Config{ICEServers: func(string) ([]protocol.ICEServer, time.Time, error) {
		t.Error("issued before registration")
		return nil, time.Now(), nil
	}})
	c := mdnDial(t, ts.url())
	c.until(protocol.TypeID)
	c.send(&protocol.Message{Type: protocol.TypeMessage, Text: "hi"})
	if m := c.until(protocol.TypeError); m.Code != protocol.ErrNotRegistered {
		t.Fatalf("%+v", m)
	}
}
