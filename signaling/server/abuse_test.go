package server

// The abuse suite: every hostile input the signaling server must survive,
// against one server, with its resources counted before and after. Each
// case checks the exact outcome (error code or close code) and that nothing
// reached a user it should not have. Run with -v to see the figures.
//
// Covered elsewhere, not repeated here: the browser renders names and chat
// as text (tests/e2e/xss.test.mjs); the frame bridge refuses a wrong token
// and a foreign Origin (app/bridge tests); the decoder is fuzzed
// (signaling/protocol FuzzDecode, corpus in its testdata).

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/signaling/auth"
	"github.com/parleyhq/parley/signaling/protocol"
)

// resources is what a leak would grow.
type resources struct {
	goroutines, fds int
	heapKB          uint64
}

func measure() resources {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fds, _ := os.ReadDir("/proc/self/fd")
	return resources{goroutines: runtime.NumGoroutine(), fds: len(fds), heapKB: ms.HeapInuse >> 10}
}

func (r resources) String() string {
	return fmt.Sprintf("goroutines %d, fds %d, heap %d KiB", r.goroutines, r.fds, r.heapKB)
}

// settle waits until goroutines and fds are back to at most before plus
// slack, and returns the figures.
func settle(t *testing.T, before resources, slack int) resources {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		now := measure()
		if now.goroutines <= before.goroutines+slack && now.fds <= before.fds+slack {
			return now
		}
		if time.Now().After(deadline) {
			t.Fatalf("resources not released: before %v, now %v", before, now)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func raiseFileLimit(t *testing.T) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
}

func TestAbuse(t *testing.T) {
	raiseFileLimit(t)
	ts := start(t, Config{
		HandshakeTimeout: 3 * time.Second, // short for slowloris, long enough for handshakes during the churn on a loaded machine
		Rate:             20, Burst: 20, RateViolations: 40,
	})
	before := measure()
	t.Logf("before: %v", before)

	// run runs one case and logs the resources right after it (sessions may
	// still be closing; the suite's end checks that they all go).
	run := func(name string, f func(t *testing.T)) {
		t.Helper()
		t.Run(name, f)
		t.Logf("after %-40s %v", name+":", measure())
	}

	// Two honest users watch everything; they must see only what is theirs.
	carol := mdnDial(t, ts.url())
	carol.register("carol")
	dave := mdnDial(t, ts.url())
	dave.register("dave")

	run("malformed JSON", func(t *testing.T) {
		c := mdnDial(t, ts.url())
		c.register("m1")
		for _, f := range []string{`{"type":`, `nul`, `[]`, `{"type":123}`, "\xff\xfe", `{"type":"video-offer","target":"carol","sdp":"x"}`} {
			c.sendRaw(f)
			if e := c.until(protocol.TypeError); e.Code != protocol.ErrBadJSON && e.Code != protocol.ErrMissingField {
				t.Errorf("%q: %+v", f, e)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c.conn.Write(ctx, websocket.MessageBinary, []byte{0, 1, 2})
		if e := c.until(protocol.TypeError); e.Code != protocol.ErrBadJSON {
			t.Errorf("binary frame: %+v", e)
		}
		c.sendRaw(`{"type":"message","text":"still alive"}`)
		carol.until(protocol.TypeMessage)
		t.Logf("outcome: error bad-json/missing-field per frame, connection stays")
	})

	run("1 MiB frame", func(t *testing.T) {
		c := mdnDial(t, ts.url())
		c.register("big")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c.conn.Write(ctx, websocket.MessageText, []byte(`{"type":"message","text":"`+strings.Repeat("x", 1<<20)+`"}`))
		if got := c.closeStatus(); got != websocket.StatusMessageTooBig {
			t.Fatalf("close %v, want 1009", got)
		}
		t.Logf("outcome: close 1009")
	})

	run("flood", func(t *testing.T) {
		c := mdnDial(t, ts.url())
		c.register("flood")
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		go func() {
			for i := 0; i < 5000; i++ {
				if c.conn.Write(ctx, websocket.MessageText, []byte(`{"type":"message","text":"spam"}`)) != nil {
					return
				}
			}
		}()
		limited := false
		for {
			m, err := c.tryNext(20 * time.Second)
			if err != nil {
				if got := websocket.CloseStatus(err); got != websocket.StatusPolicyViolation || !limited {
					t.Fatalf("closed %v (rate-limited error seen: %v), want error rate-limited then 1008", got, limited)
				}
				break
			}
			limited = limited || (m.Type == protocol.TypeError && m.Code == protocol.ErrRateLimited)
		}
		// Carol got at most the burst plus the rate over the flood's life.
		spam := 0
		carol.send(&protocol.Message{Type: protocol.TypeMessage, Text: "end of flood"})
		for m := carol.next(); m.Text != "end of flood"; m = carol.next() {
			if m.Text == "spam" {
				spam++
			}
		}
		if spam > 200 {
			t.Errorf("carol got %d spam messages", spam)
		}
		t.Logf("outcome: error rate-limited, then close 1008; carol received %d spam messages", spam)
	})

	run("forged name", func(t *testing.T) {
		c := mdnDial(t, ts.url())
		c.register("mallory")
		c.sendRaw(`{"type":"video-offer","name":"dave","target":"carol","sdp":{"type":"offer","sdp":"v=0"}}`)
		c.sendRaw(`{"type":"message","name":"dave","text":"i am dave"}`)
		if m := carol.until(protocol.TypeVideoOffer); m.Name != "mallory" {
			t.Fatalf("offer relayed as from %q", m.Name)
		}
		if m := carol.until(protocol.TypeMessage); m.Name != "mallory" {
			t.Fatalf("chat relayed as from %q", m.Name)
		}
		t.Logf("outcome: relayed with name stamped to the sender's (mallory)")
	})

	run("renaming another user", func(t *testing.T) {
		c := mdnDial(t, ts.url())
		c.register("renamer")
		c.sendRaw(`{"type":"username","name":"pwned","id":1}`) // carol's or dave's id: ignored
		waitFor(t, "the rename", func() bool { return slices.Contains(ts.Hub().Users(), "pwned") })
		users := ts.Hub().Users()
		if !slices.Contains(users, "carol") || !slices.Contains(users, "dave") || !slices.Contains(users, "pwned") || slices.Contains(users, "renamer") {
			t.Fatalf("users %v", users)
		}
		t.Logf("outcome: only the sender is renamed (id ignored)")
	})

	run("taking a registered name", func(t *testing.T) {
		c := mdnDial(t, ts.url())
		id := c.until(protocol.TypeID)
		c.send(&protocol.Message{Type: protocol.TypeUsername, Name: "carol", ID: id.ID})
		if m := c.until(protocol.TypeRejectUsername); m.Name == "carol" {
			t.Fatalf("%+v", m)
		}
		t.Logf("outcome: rejectusername with another name; carol keeps hers")
	})

	run("no subprotocol", func(t *testing.T) {
		c := dialWS(t, ts.url(), nil)
		c.register("plain")
		c.sendRaw(`{"type":"message","text":"plain works"}`)
		carol.until(protocol.TypeMessage)
		t.Logf("outcome: served without a subprotocol (MDN's server crashed here)")
	})

	run("cross-origin and HTML in names and chat", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, resp, err := websocket.Dial(ctx, ts.url(), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"https://evil.example"}}})
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("foreign origin: %v %v", resp, err)
		}
		c := mdnDial(t, ts.url())
		c.register(`<img src=x onerror=alert(1)>`)
		c.sendRaw(`{"type":"message","text":"<script>alert(1)</script>"}`)
		m := carol.until(protocol.TypeMessage)
		if m.Name != `<img src=x onerror=alert(1)>` || m.Text != `<script>alert(1)</script>` {
			t.Fatalf("%+v", m)
		}
		t.Logf("outcome: foreign Origin HTTP 403; markup relayed verbatim as JSON strings (rendered as text by the clients)")
	})

	run("slowloris handshakes", func(t *testing.T) {
		const n = 200
		var wg sync.WaitGroup
		var dropped atomic.Int32
		for i := 0; i < n; i++ {
			conn, err := net.Dial("tcp", ts.addr)
			if err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				req := "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Slow: " + strings.Repeat("a", 400)
				go func() {
					for i := 0; i < len(req); i++ {
						if _, err := conn.Write([]byte{req[i]}); err != nil {
							return
						}
						time.Sleep(20 * time.Millisecond)
					}
				}()
				conn.SetReadDeadline(time.Now().Add(20 * time.Second))
				_, err := bufio.NewReader(conn).ReadByte()
				if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
					dropped.Add(1)
				}
			}()
		}
		wg.Wait()
		if dropped.Load() != n {
			t.Fatalf("%d of %d slow handshakes dropped", dropped.Load(), n)
		}
		c := mdnDial(t, ts.url())
		c.register("after-slowloris")
		t.Logf("outcome: %d of %d connections dropped at the 3 s handshake timeout (HTTP 408 or close); service unaffected", dropped.Load(), n)
	})

	run("unauthorized without origin or token", func(t *testing.T) {
		a, _ := auth.New(auth.ModeToken, "secret")
		guarded := start(t, Config{Auth: a})
		c := mdnDial(t, guarded.url())
		if m := c.next(); m.Type != protocol.TypeError || m.Code != protocol.ErrUnauthorized {
			t.Fatalf("%+v", m)
		}
		if got := c.closeStatus(); got != websocket.StatusPolicyViolation {
			t.Fatalf("close %v", got)
		}
		if len(guarded.Hub().Users()) != 0 {
			t.Fatal("registered")
		}
		t.Logf("outcome: error unauthorized, close 1008, no id and no user list")
	})

	run("10000 connect/disconnect churns", func(t *testing.T) {
		const total, workers = 10000, 64
		var done, refused atomic.Int32
		var firstErr atomic.Value
		start := time.Now()
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Each worker has its own loopback address, so the per-IP cap
				// (32) sees at most one or two connections per address.
				local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(w+2))}
				tr := &http.Transport{DialContext: (&net.Dialer{LocalAddr: local}).DialContext}
				defer tr.CloseIdleConnections()
				opts := &websocket.DialOptions{Subprotocols: []string{"json"}, HTTPClient: &http.Client{Transport: tr}}
				for int(done.Add(1)) <= total {
					ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
					conn, _, err := websocket.Dial(ctx, ts.url(), opts)
					if err != nil {
						firstErr.CompareAndSwap(nil, err.Error())
						refused.Add(1)
						cancel()
						continue
					}
					_, _, err = conn.Read(ctx) // the id
					cancel()
					if err != nil {
						refused.Add(1)
					}
					conn.CloseNow()
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		if refused.Load() != 0 {
			t.Errorf("%d of %d churns failed, first: %v", refused.Load(), total, firstErr.Load())
		}
		t.Logf("outcome: %d connects and abrupt disconnects in %v (%.0f/s), %d failed", total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), refused.Load())
	})

	// The honest users saw none of the abuse addressed to others, and the
	// server still serves them.
	dave.send(&protocol.Message{Type: protocol.TypeVideoOffer, Target: "carol", SDP: &protocol.SessionDescription{Type: "offer", SDP: "v=0"}})
	if m := carol.until(protocol.TypeVideoOffer); m.Name != "dave" {
		t.Fatalf("%+v", m)
	}
	carol.conn.Close(websocket.StatusNormalClosure, "")
	dave.conn.Close(websocket.StatusNormalClosure, "")
	after := settle(t, before, 8)
	t.Logf("after: %v", after)
}
