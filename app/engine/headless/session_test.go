package headless_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/engine/headless"
	"github.com/parleyhq/parley/internal/syncbuf"
	"github.com/parleyhq/parley/internal/testproxy"
	"github.com/parleyhq/parley/internal/testsignal"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/client"
	"github.com/parleyhq/parley/signaling/server"
)

// The headless peer's connection dies while the server still holds it
// (server pings an hour apart): the peer reconnects with its resume token
// and is bob again at once, not bob1, which is what lets its partner's ICE
// restart offer to "bob" reach it.
func TestHeadlessKeepsItsNameWhileTheServerHoldsTheOldConnection(t *testing.T) {
	srv := testsignal.Start(t, server.Config{PingInterval: time.Hour, CoalesceInterval: 10 * time.Millisecond})
	proxy := testproxy.New(t, srv.Addr)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncbuf.Buffer
	done := make(chan *headless.Result, 1)
	go func() {
		res, _ := headless.Run(ctx, headless.Options{
			Server: proxy.URL(), Name: "bob", AutoAnswer: true, FakeMedia: true,
			Camera: "none", Microphone: "none", Wait: time.Minute, Out: &out,
		})
		done <- res
	}()
	testwait.Until(t, "bob online", 30*time.Second, func() bool {
		return slices.Equal(srv.Hub().Users(), []string{"bob"}) && strings.Contains(out.String(), `"name":"bob"`)
	})

	proxy.Cut()
	testwait.Until(t, "bob back online", 30*time.Second, func() bool {
		return strings.Contains(out.String(), `"status":"reconnecting"`) &&
			strings.Count(out.String(), `"status":"online"`) >= 1 && proxy.Dialled() >= 2
	})
	testwait.Until(t, "bob registered once, as bob", 30*time.Second, func() bool {
		return slices.Equal(srv.Hub().Users(), []string{"bob"})
	})
	if strings.Contains(out.String(), `bob1`) {
		t.Fatalf("bob was renamed:\n%s", out.String())
	}

	cancel()
	res := <-done
	if res == nil || res.Name != "bob" {
		t.Fatalf("result %+v", res)
	}
	if !slices.ContainsFunc(res.Signaling, func(s headless.StatusAt) bool { return s.Status == "online" }) {
		t.Errorf("no return online recorded: %+v", res.Signaling)
	}
}

// A server that cannot be reached fails the run at once with the dial's
// error, rather than retrying until the caller gives up: there is no call
// to keep yet.
func TestHeadlessWithoutServerFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := headless.Run(ctx, headless.Options{Server: "ws://" + addr, Name: "bob", Camera: "none", Microphone: "none"})
	var de *client.DialError
	if res != nil || !errors.As(err, &de) {
		t.Fatalf("Run = %+v, %v; want no result and a *client.DialError", res, err)
	}
}
