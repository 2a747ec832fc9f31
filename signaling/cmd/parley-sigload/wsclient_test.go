package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// echoServer is a WebSocket server from the library the real server uses:
// it checks the client's framing and masking, echoes every message, and
// pings once first. Each connection's ping result (nil once the client
// answered) arrives on the returned channel when the connection ends.
func echoServer(t *testing.T) (string, <-chan error) {
	t.Helper()
	pings := make(chan error, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"json"}})
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(1 << 20)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		pinged := make(chan error, 1)
		go func() { pinged <- c.Ping(ctx) }() // the pong is read by the loop below
		for {
			typ, data, err := c.Read(ctx)
			if err != nil || c.Write(ctx, typ, data) != nil {
				break
			}
		}
		c.CloseNow()
		pings <- <-pinged
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/", pings
}

// Every length encoding (7-bit, 16-bit, 64-bit) on both sides of its
// boundary, sent masked from a frameBuf and read back.
func TestWSClientEcho(t *testing.T) {
	var n atomic.Int64
	d := &wsDialer{bytesIn: &n}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url, pings := echoServer(t)
	ws, err := d.dial(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		ws.readMessages(1<<20, func(m []byte) { got <- bytes.Clone(m) })
	}()
	var fb frameBuf
	for _, size := range []int{0, 1, 125, 126, 127, 65535, 65536, 200001} {
		want := bytes.Repeat([]byte("abcdefg"), size/7+1)[:size]
		if err := ws.writeFrame(fb.finish(append(fb.payload(), want...), opText, ws.key)); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-got:
			if !bytes.Equal(m, want) {
				t.Fatalf("size %d: echo differs (got %d bytes)", size, len(m))
			}
		case <-ctx.Done():
			t.Fatalf("size %d: no echo", size)
		}
	}
	ws.close(done, 5*time.Second)
	<-done
	if err := <-pings; err != nil {
		t.Errorf("the server's ping got no pong: %v", err)
	}
	if n.Load() < 200001 {
		t.Errorf("counted %d bytes read", n.Load())
	}
}

func TestWSClientRejectsOversizedMessage(t *testing.T) {
	var n atomic.Int64
	d := &wsDialer{bytesIn: &n}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url, _ := echoServer(t)
	ws, err := d.dial(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.conn.Close()
	if err := ws.send(opText, make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	err = ws.readMessages(999, func([]byte) { t.Error("got a message over the limit") })
	if err == nil || err == io.EOF {
		t.Fatalf("readMessages = %v, want a limit error", err)
	}
}

func TestMask(t *testing.T) {
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	for size := range 20 {
		b := bytes.Repeat([]byte{0xA5}, size)
		mask(b, key)
		for i, c := range b {
			if c != 0xA5^key[i%4] {
				t.Fatalf("size %d: byte %d = %#x", size, i, c)
			}
		}
	}
}

func TestDialRefusesWSS(t *testing.T) {
	var n atomic.Int64
	d := &wsDialer{bytesIn: &n}
	if _, err := d.dial(context.Background(), "wss://127.0.0.1:1/"); err == nil {
		t.Fatal("dialled wss:// without TLS")
	}
}

// The whole generator against a server in this process: every client
// registers, every list converges, and every relayed frame arrives.
func TestLoadInProcess(t *testing.T) {
	tg, err := inProcess()
	if err != nil {
		t.Fatal(err)
	}
	defer tg.stop()
	o := options{clients: 40, concurrency: 8, rate: 400, duration: 500 * time.Millisecond, sdpBytes: 8000, timeline: true}
	rep, err := load(o, tg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if rep.UsersHeld != 40 || rep.ErrorFrames != 0 {
		t.Fatalf("held %d users, %d error frames (%s)", rep.UsersHeld, rep.ErrorFrames, rep.LastError)
	}
	if rep.RelaySent == 0 || rep.RelayReceived != rep.RelaySent {
		t.Fatalf("relayed %d of %d frames", rep.RelayReceived, rep.RelaySent)
	}
	if rep.RelayP50US <= 0 || rep.RelayP99US < rep.RelayP50US {
		t.Fatalf("latency p50 %v µs, p99 %v µs", rep.RelayP50US, rep.RelayP99US)
	}
	var inTimeline int64
	for _, w := range rep.Timeline {
		inTimeline += w.Frames
	}
	if inTimeline != rep.RelayReceived {
		t.Fatalf("timeline counts %d frames, %d received", inTimeline, rep.RelayReceived)
	}
}
