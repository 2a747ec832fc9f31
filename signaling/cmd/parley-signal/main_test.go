package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/syncbuf"
	"github.com/parleyhq/parley/signaling/client"
)

func TestHelpDocumentsEveryFlag(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"--help"}, io.Discard, &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	for _, f := range []string{"addr", "tls-cert", "tls-key", "allow-origin", "log-level", "max-conns-per-ip",
		"send-queue", "rate", "burst", "ping-interval", "ping-timeout", "register-timeout", "handshake-timeout",
		"send-queue-bytes", "auth", "auth-token", "auth-secret", "trust-proxy", "turn-listen", "turn-secret",
		"turn-realm", "public-ip", "turn-allow-private", "turn-max-allocations", "turn-ttl", "resume-grace"} {
		if !strings.Contains(out.String(), "-"+f) {
			t.Errorf("--help does not mention --%s", f)
		}
	}
	if !strings.Contains(out.String(), `":6503"`) {
		t.Error("--help does not show the default address :6503")
	}
}

func TestBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{"--tls-cert", "c.pem"},
		{"--log-level", "loud"},
		{"extra"},
		{"--allow-origin", "[bad"},
		{"--addr", "256.0.0.1:1"},
		{"--auth", "token"},
		{"--auth", "signed", "--auth-token", "x"},
		{"--auth", "magic"},
		{"--trust-proxy", "10.0.0.1"},
		{"--turn-listen", "127.0.0.1:0", "--turn-secret", "s"},
		{"--turn-listen", "127.0.0.1:0", "--public-ip", "127.0.0.1"},
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}

// run serves until its context ends and prints a URL that works.
func TestServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncbuf.Buffer{}
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, []string{"--addr", "127.0.0.1:0", "--log-level", "error"}, out, io.Discard) }()

	var url string
	deadline := time.Now().Add(10 * time.Second)
	for url == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no URL printed: %q", out.String())
		}
		if _, rest, ok := strings.Cut(out.String(), "open "); ok {
			url = strings.TrimSpace(rest)
		}
		time.Sleep(5 * time.Millisecond)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	dctx, dcancel := context.WithTimeout(ctx, 10*time.Second)
	defer dcancel()
	c, err := client.Dial(dctx, client.Config{URL: "ws" + strings.TrimPrefix(url, "http"), Name: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for range c.Messages() {
		}
	}()

	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	<-c.Done()
	c.Close()
}
