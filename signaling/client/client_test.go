package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/testsignal"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/protocol"
	"github.com/parleyhq/parley/signaling/server"
)

// serverConfig coalesces user lists for only 10 ms, so that tests see
// them promptly.
var serverConfig = server.Config{CoalesceInterval: 10 * time.Millisecond}

// startServer runs a real parley-signal server on 127.0.0.1:0.
func startServer(t *testing.T) *testsignal.Server {
	t.Helper()
	return testsignal.Start(t, serverConfig)
}

func dial(t *testing.T, url, name string, features []string) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, Config{URL: url, Name: name, Features: features})
	if err != nil {
		t.Fatalf("Dial %s: %v", name, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func waitFor(t *testing.T, what string, cond func() bool) {
	testwait.Until(t, what, 10*time.Second, cond)
}

// drain discards c's messages in the background, as an application's
// message loop would.
func drain(c *Client) {
	go func() {
		for range c.Messages() {
		}
	}()
}

func next(t *testing.T, c *Client, typ string) *protocol.Message {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-c.Messages():
			if !ok {
				t.Fatalf("connection ended waiting for %s: %v", typ, c.Err())
			}
			if m.Type == typ {
				return m
			}
		case <-timeout:
			t.Fatalf("no %s", typ)
		}
	}
}

func TestDialRegisters(t *testing.T) {
	url := startServer(t).URL()
	a := dial(t, url, "  alice ", nil)
	if a.ID() == 0 || a.Name() != "alice" {
		t.Fatalf("id %d name %q", a.ID(), a.Name())
	}
	if !slices.Equal(a.Features(), []string{protocol.FeatureUserDelta}) {
		t.Fatalf("features = %v", a.Features())
	}
	if !slices.Equal(a.Users(), []string{"alice"}) {
		t.Fatalf("users = %v", a.Users())
	}
	a2 := dial(t, url, "alice", nil)
	if a2.Name() != "alice1" {
		t.Fatalf("duplicate registered as %q, want alice1", a2.Name())
	}
	if !slices.Equal(a2.Users(), []string{"alice", "alice1"}) {
		t.Fatalf("users = %v", a2.Users())
	}
}

func TestUsersFollowDeltasAndFullLists(t *testing.T) {
	url := startServer(t).URL()
	delta := dial(t, url, "delta", nil)
	legacy := dial(t, url, "legacy", []string{})
	drain(delta)
	drain(legacy)
	if len(legacy.Features()) != 0 {
		t.Fatalf("legacy client negotiated %v", legacy.Features())
	}
	var others []*Client
	for _, n := range []string{"c", "d", "e"} {
		others = append(others, dial(t, url, n, nil))
	}
	want := []string{"delta", "legacy", "c", "d", "e"}
	for _, c := range []*Client{delta, legacy} {
		waitFor(t, c.Name()+" to see everyone", func() bool { return slices.Equal(c.Users(), want) })
	}
	others[1].Close()
	if err := others[1].Send(context.Background(), &protocol.Message{Type: protocol.TypeMessage, Text: "x"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after Close = %v", err)
	}
	want = []string{"delta", "legacy", "c", "e"}
	for _, c := range []*Client{delta, legacy} {
		waitFor(t, c.Name()+" to see d leave", func() bool { return slices.Equal(c.Users(), want) })
	}
}

func TestSendAndReceive(t *testing.T) {
	url := startServer(t).URL()
	a := dial(t, url, "alice", nil)
	b := dial(t, url, "bob", nil)
	err := a.Send(context.Background(), &protocol.Message{
		Type: protocol.TypeVideoOffer, Name: "mallory", Target: "bob",
		SDP: &protocol.SessionDescription{Type: "offer", SDP: "v=0\r\n"},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := next(t, b, protocol.TypeVideoOffer)
	if m.Name != "alice" || m.SDP.SDP != "v=0\r\n" {
		t.Fatalf("offer = %+v", m)
	}
	a.Send(context.Background(), &protocol.Message{Type: protocol.TypeHangUp, Target: "nobody"})
	if e := next(t, a, protocol.TypeError); e.Code != protocol.ErrNoSuchUser {
		t.Fatalf("error = %+v", e)
	}
}

func TestHandlerGetsRawFrames(t *testing.T) {
	url := startServer(t).URL()
	got := make(chan []byte, 16)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := Dial(ctx, Config{URL: url, Name: "bob", Handler: func(m *protocol.Message, raw []byte) {
		if m.Type == "x-probe" {
			got <- raw
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a := dial(t, url, "alice", nil)
	drain(a)
	a.SendRaw(ctx, []byte(`{"type":"x-probe","target":"bob","sent":123}`))
	select {
	case raw := <-got:
		if string(raw) != `{"name":"alice","type":"x-probe","target":"bob","sent":123}` {
			t.Fatalf("raw = %s", raw)
		}
	case <-ctx.Done():
		t.Fatal("handler never called")
	}
}

func TestDialErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "ws://" + ln.Addr().String() + "/"
	ln.Close()
	_, err := Dial(ctx, Config{URL: dead, Name: "x"})
	var de *DialError
	if !errors.As(err, &de) || de.Status != 0 {
		t.Fatalf("unreachable: %v", err)
	}

	url := startServer(t).URL()
	_, err = Dial(ctx, Config{URL: url, Name: "x", Origin: "https://evil.example"})
	if !errors.As(err, &de) || de.Status != http.StatusForbidden {
		t.Fatalf("foreign origin: %v", err)
	}

	_, err = Dial(ctx, Config{URL: url, Name: "bad\x00name"})
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Code != protocol.ErrBadName {
		t.Fatalf("bad name: %v", err)
	}
}

func TestServerShutdownEndsClient(t *testing.T) {
	srv := startServer(t)
	url := srv.URL()
	c := dial(t, url, "alice", nil)
	drain(c)
	srv.Stop()
	select {
	case <-c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("client did not notice the server closing")
	}
	if c.Err() == nil || errors.Is(c.Err(), ErrClosed) {
		t.Fatalf("Err = %v, want the server's close", c.Err())
	}
}

func TestNoGoroutinesLeft(t *testing.T) {
	base := runtime.NumGoroutine()
	srv := startServer(t)
	url := srv.URL()
	var cs []*Client
	for _, n := range []string{"a", "b", "c", "d"} {
		cs = append(cs, dial(t, url, n, nil))
	}
	// One client is never read: Close must still unblock its reader.
	for _, c := range cs[1:] {
		drain(c)
	}
	for _, c := range cs {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
	srv.Stop()
	testwait.Goroutines(t, base, 10*time.Second)
}
