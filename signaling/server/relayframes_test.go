package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/signaling/protocol"
)

// Relayed frames are stamped into recycled buffers. Many senders relaying
// distinct frames of every buffer size to the same receivers at once must
// deliver each frame exactly as stamped: a buffer released or reused too
// early would show up as another frame's bytes. The receivers start reading
// only when half the frames are sent, so that writes block on full sockets
// while new frames are being stamped. Every buffer is back in the pool
// afterwards.
func TestRelayedFramesArriveIntactUnderConcurrency(t *testing.T) {
	const senders, receivers, rounds = 6, 3, 24
	ts := start(t, Config{Rate: 1e6, Burst: 1e6})
	ctx := context.Background()

	type received struct {
		frames [][]byte
		err    error
	}
	results := make([]chan received, receivers)
	halfway := make(chan struct{})
	for r := range receivers {
		c := dialIdle(t, ts.url(), nil)
		c.send(&protocol.Message{Type: protocol.TypeUsername, Name: fmt.Sprintf("r%d", r)})
		results[r] = make(chan received, 1)
		go func() {
			var got received
			<-halfway
			for len(got.frames) < senders*rounds*2 {
				_, data, err := c.conn.Read(ctx)
				if err != nil {
					got.err = err
					break
				}
				// The server's own frames (id, session, user lists) start
				// with their type; relayed ones with the stamped name.
				if !bytes.HasPrefix(data, []byte(`{"type":`)) {
					got.frames = append(got.frames, data)
				}
			}
			results[r] <- got
		}()
	}
	var sconns []*wsClient
	for s := range senders {
		c := mdnDial(t, ts.url())
		c.register(fmt.Sprintf("s%d", s))
		sconns = append(sconns, c)
	}
	waitFor(t, "everyone to register", func() bool { return len(ts.Hub().Users()) == senders+receivers })

	// Each sender sends every receiver an offer and a candidate per round,
	// with bodies whose size walks the pool's classes and whose bytes say
	// who sent them.
	sizes := []int{0, 90, 400, 700, 1500, 3000, 6000, 12000, 30000}
	want := make([]map[string][][]byte, receivers) // by receiver, then by sender
	for r := range want {
		want[r] = make(map[string][][]byte)
	}
	frames := make([][]string, senders)
	for s := range senders {
		name := fmt.Sprintf("s%d", s)
		for k := range rounds {
			for r := range receivers {
				pad := strings.Repeat(fmt.Sprintf("%s.%d.%d;", name, r, k), sizes[(k+s+r)%len(sizes)]/10+1)
				offer := fmt.Sprintf(`{"type":"video-offer","name":"forged","target":"r%d","seq":%d,"sdp":{"type":"offer","sdp":"v=0\r\n%s"}}`, r, 2*k, pad)
				cand := fmt.Sprintf(`{"type":"new-ice-candidate","target":"r%d","seq":%d,"candidate":{"candidate":"candidate:%s","sdpMid":"0","sdpMLineIndex":0}}`, r, 2*k+1, pad[:len(pad)/3])
				for _, f := range []string{offer, cand} {
					stamped, err := protocol.Stamp([]byte(f), name)
					if err != nil {
						t.Fatal(err)
					}
					want[r][name] = append(want[r][name], stamped)
					frames[s] = append(frames[s], f)
				}
			}
		}
	}
	var wg, half sync.WaitGroup
	for s, c := range sconns {
		half.Add(1)
		wg.Go(func() {
			for i, f := range frames[s] {
				if i == len(frames[s])/2 {
					half.Done()
				}
				if err := c.conn.Write(ctx, websocket.MessageText, []byte(f)); err != nil {
					t.Errorf("s%d: %v", s, err)
					return
				}
			}
		})
	}
	half.Wait()
	close(halfway)
	wg.Wait()

	for r := range receivers {
		var got received
		select {
		case got = <-results[r]:
		case <-time.After(30 * time.Second):
			t.Fatalf("r%d: frames still missing after 30 s", r)
		}
		if got.err != nil {
			t.Fatalf("r%d: %v after %d frames", r, got.err, len(got.frames))
		}
		next := make(map[string]int) // each sender's frames arrive in order
		for _, f := range got.frames {
			var head struct{ Name string }
			if err := json.Unmarshal(f, &head); err != nil {
				t.Fatalf("r%d got invalid JSON %.100q: %v", r, f, err)
			}
			exp := want[r][head.Name]
			if next[head.Name] >= len(exp) {
				t.Fatalf("r%d: unexpected frame %.100q", r, f)
			}
			if w := exp[next[head.Name]]; !bytes.Equal(f, w) {
				t.Fatalf("r%d: frame %d from %s is\n%.200q\nwant\n%.200q", r, next[head.Name], head.Name, f, w)
			}
			next[head.Name]++
		}
	}
	waitFor(t, "every relayed frame to be released", func() bool { return ts.Hub().FramesOutstanding() == 0 })
}

// A receiver whose connection breaks while relayed frames wait to be
// written releases them all: the failed write's batch and the queue behind
// it.
func TestBrokenConnectionReleasesRelayedFrames(t *testing.T) {
	ts := start(t, Config{SendQueue: 1 << 20, SendQueueBytes: 1 << 30, Rate: 1e6, Burst: 1e6, WriteTimeout: time.Minute, PingInterval: time.Hour})
	stuck := dialIdle(t, ts.url(), nil)
	stuck.send(&protocol.Message{Type: protocol.TypeUsername, Name: "stuck"})
	sender := mdnDial(t, ts.url())
	sender.register("sender")
	waitFor(t, "stuck to register", func() bool { return slices.Contains(ts.Hub().Users(), "stuck") })
	// 100 × 60 KB is more than loopback socket buffers take, so frames
	// pile up in the session's queue behind a blocked write.
	blob := `{"type":"video-offer","target":"stuck","sdp":{"type":"offer","sdp":"` + strings.Repeat("x", 60<<10) + `"}}`
	for range 100 {
		sender.sendRaw(blob)
	}
	waitFor(t, "frames to wait for the stuck client", func() bool { return ts.Hub().FramesOutstanding() > 10 })
	stuck.conn.CloseNow()
	waitFor(t, "the stuck client's frames to be released", func() bool { return ts.Hub().FramesOutstanding() == 0 })
}

// While a disconnected client's name is held for a resume, frames relayed
// to it reach a session that is closing, which refuses and releases them.
func TestClosedSessionReleasesRelayedFrames(t *testing.T) {
	ts := start(t, Config{ResumeGrace: time.Minute, Rate: 1e6, Burst: 1e6})
	gone := mdnDial(t, ts.url())
	gone.register("gone")
	sender := mdnDial(t, ts.url())
	sender.register("sender")
	gone.conn.Close(websocket.StatusNormalClosure, "")
	waitFor(t, "gone's session to end", func() bool {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		return len(ts.clients) == 1
	})
	if !slices.Contains(ts.Hub().Users(), "gone") {
		t.Fatal("the name was not held for a resume")
	}
	for range 20 {
		sender.sendRaw(`{"type":"new-ice-candidate","target":"gone","candidate":{"candidate":""}}`)
	}
	// Frames are handled in order: once this one is back, so are the others.
	sender.sendRaw(`{"type":"x-mark","target":"sender"}`)
	for m := sender.next(); m.Type != "x-mark"; m = sender.next() {
		if m.Type == protocol.TypeError {
			t.Fatalf("error %+v", m)
		}
	}
	waitFor(t, "frames for the closed session to be released", func() bool { return ts.Hub().FramesOutstanding() == 0 })
}
