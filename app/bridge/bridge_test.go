package bridge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/internal/testwait"
)

const testOrigin = "http://parley.test"

func newTestBridge(t testing.TB) *Bridge {
	t.Helper()
	b, err := New(Config{Origins: []string{testOrigin, "wails://wails"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func dial(ctx context.Context, u, origin string) (*websocket.Conn, *http.Response, error) {
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	c, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: h})
	if err == nil {
		c.SetReadLimit(64 << 20)
	}
	return c, resp, err
}

// connect dials b as the page would and waits until the bridge has
// registered the connection, so that frames written afterwards reach it.
func connect(t testing.TB, b *Bridge) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	before := b.Clients()
	c, _, err := dial(ctx, b.URL(), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	testwait.Until(t, "the bridge to register the page", 15*time.Second, func() bool { return b.Clients() > before })
	return c
}

// testFrame returns a w×h frame whose every byte encodes v, so that a test
// can tell frames apart.
func testFrame(w, h int, v byte) *frames.Frame {
	cw, ch := (w+1)/2, (h+1)/2
	f := &frames.Frame{Width: w, Height: h, Y: make([]byte, w*h), U: make([]byte, cw*ch), V: make([]byte, cw*ch)}
	for i := range f.Y {
		f.Y[i] = v + byte(i)
	}
	for i := range f.U {
		f.U[i] = v ^ 0x55
		f.V[i] = v ^ 0xAA
	}
	return f
}

func readFrame(t testing.TB, ctx context.Context, c *websocket.Conn) (Header, []byte) {
	t.Helper()
	typ, msg, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if typ != websocket.MessageBinary {
		t.Fatalf("message type %v, want binary", typ)
	}
	h, err := DecodeHeader(msg)
	if err != nil {
		t.Fatal(err)
	}
	return h, msg[HeaderSize:]
}

func planes(f *frames.Frame) []byte {
	return append(append(append([]byte{}, f.Y...), f.U...), f.V...)
}

func TestPageReceivesHeaderAndPlanes(t *testing.T) {
	b := newTestBridge(t)
	c := connect(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	captured := time.UnixMicro(1_700_000_000_123_456)
	for _, tc := range []struct {
		s    frames.Stream
		w, h int
	}{{frames.Remote, 64, 48}, {frames.Local, 33, 17}} {
		f := testFrame(tc.w, tc.h, byte(tc.s))
		f.Captured = captured
		want := planes(f)
		before := time.Now().UnixMicro()
		b.WriteFrame(tc.s, f)
		// The producer reuses its buffer at once; the page must still get
		// the picture as it was when WriteFrame was called.
		for i := range f.Y {
			f.Y[i] = 0
		}
		h, body := readFrame(t, ctx, c)
		if h.Stream != tc.s || h.Format != FormatI420 || h.Width != tc.w || h.Height != tc.h {
			t.Fatalf("header %+v, want stream %v %dx%d I420", h, tc.s, tc.w, tc.h)
		}
		if h.Seq != 1 {
			t.Errorf("seq %d, want 1 (first frame of its stream)", h.Seq)
		}
		if h.Captured != captured.UnixMicro() {
			t.Errorf("captured %d, want %d", h.Captured, captured.UnixMicro())
		}
		if h.Sent < before || h.Sent > time.Now().UnixMicro() {
			t.Errorf("sent %d outside [%d, now]", h.Sent, before)
		}
		if !bytes.Equal(body, want) {
			t.Errorf("planes differ from the frame written")
		}
		// The writer counts a frame once its write has returned, which can
		// be after the page has read it.
		testwait.Until(t, "the frame to count as sent", 15*time.Second, func() bool { return b.Stats(tc.s).Sent == 1 })
		if st := b.Stats(tc.s); st.Accepted != 1 || st.Dropped != 0 {
			t.Errorf("stats %+v, want 1 accepted, 1 sent", st)
		}
	}
}

func TestUnknownCaptureTimeIsZero(t *testing.T) {
	b := newTestBridge(t)
	c := connect(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b.WriteFrame(frames.Remote, testFrame(4, 4, 1))
	if h, _ := readFrame(t, ctx, c); h.Captured != 0 {
		t.Fatalf("captured %d, want 0 for a frame without capture time", h.Captured)
	}
}

func TestWrongTokenRefused(t *testing.T) {
	b := newTestBridge(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	base := strings.SplitN(b.URL(), "?", 2)[0]
	for _, u := range []string{base, base + "?token=", base + "?token=00112233445566778899aabbccddeeff"} {
		_, resp, err := dial(ctx, u, testOrigin)
		if err == nil {
			t.Fatalf("%s: connected without the right token", u)
		}
		if resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%s: response %v, want 401", u, resp)
		}
	}
	if b.Clients() != 0 {
		t.Fatalf("%d clients after refused dials", b.Clients())
	}
}

func TestForeignOriginRefused(t *testing.T) {
	b := newTestBridge(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, origin := range []string{"", "https://evil.example", "http://parley.test.evil.example", "wails://wails.evil"} {
		_, resp, err := dial(ctx, b.URL(), origin)
		if err == nil {
			t.Fatalf("origin %q: connected", origin)
		}
		if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("origin %q: response %v, want 403", origin, resp)
		}
	}
	// The web view's own origin is accepted.
	c, _, err := dial(ctx, b.URL(), "wails://wails")
	if err != nil {
		t.Fatalf("wails://wails refused: %v", err)
	}
	c.CloseNow()
}

func TestDefaultOrigins(t *testing.T) {
	b, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, o := range DefaultOrigins {
		c, _, err := dial(ctx, b.URL(), o)
		if err != nil {
			t.Fatalf("default origin %q refused: %v", o, err)
		}
		c.CloseNow()
	}
	if _, _, err := dial(ctx, b.URL(), testOrigin); err == nil {
		t.Fatalf("%q accepted without being configured", testOrigin)
	}
}

func TestBadOriginConfig(t *testing.T) {
	for _, o := range []string{"", "wails", "http://", "http://host/path"} {
		if b, err := New(Config{Origins: []string{o}}); err == nil {
			b.Close()
			t.Fatalf("origin %q accepted in Config", o)
		}
	}
}

func TestListensOnLoopbackOnly(t *testing.T) {
	b := newTestBridge(t)
	addr := b.Addr().(*net.TCPAddr)
	if !addr.IP.Equal(net.IPv4(127, 0, 0, 1)) {
		t.Fatalf("listening on %v, want 127.0.0.1", addr.IP)
	}
	if !strings.HasPrefix(b.URL(), "ws://127.0.0.1:"+strconv.Itoa(addr.Port)+"/frames?token=") {
		t.Fatalf("URL %q", b.URL())
	}
	ifaces, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ifaces {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() {
			continue
		}
		target := net.JoinHostPort(ipn.IP.String(), strconv.Itoa(addr.Port))
		c, err := net.DialTimeout("tcp", target, 2*time.Second)
		if err == nil {
			c.Close()
			t.Fatalf("bridge reachable on %s", target)
		}
	}
}

func TestTokenIsRandomPerBridge(t *testing.T) {
	a, b := newTestBridge(t), newTestBridge(t)
	if a.token == b.token || len(a.token) < 32 {
		t.Fatalf("tokens %q and %q: want two different 128-bit tokens", a.token, b.token)
	}
}

func TestNewestFrameWins(t *testing.T) {
	b := newTestBridge(t)
	c := connect(t, b)
	// The page does not read while the engine produces 120 frames of 720p
	// (110 MB), far more than the socket buffers hold. Then it reads.
	const n = 120
	f := testFrame(1280, 720, 0)
	for i := 1; i <= n; i++ {
		f.Y[0] = byte(i)
		b.WriteFrame(frames.Remote, f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	received := 0
	for {
		h, body := readFrame(t, ctx, c)
		received++
		if h.Seq == n {
			if body[0] != byte(n) {
				t.Fatalf("last frame carries picture %d, want %d", body[0], n)
			}
			break
		}
	}
	// Every accepted frame is either sent or dropped once the last write
	// has returned.
	testwait.Until(t, "every accepted frame to be sent or dropped", 15*time.Second, func() bool {
		st := b.Stats(frames.Remote)
		return st.Sent+st.Dropped == n
	})
	st := b.Stats(frames.Remote)
	if received >= n || st.Dropped == 0 {
		t.Fatalf("received %d of %d frames, %d dropped: want a backlog-free stream", received, n, st.Dropped)
	}
}

func TestMalformedFramesRejected(t *testing.T) {
	b := newTestBridge(t)
	c := connect(t, b)
	bad := []*frames.Frame{
		nil,
		{Width: 0, Height: 4},
		{Width: 4, Height: 4, Y: make([]byte, 15), U: make([]byte, 4), V: make([]byte, 4)},
		{Width: 4, Height: 4, Y: make([]byte, 16), U: make([]byte, 4), V: make([]byte, 3)},
		{Width: MaxDimension + 1, Height: 2},
	}
	for _, f := range bad {
		b.WriteFrame(frames.Local, f)
	}
	b.WriteFrame(frames.Stream(9), testFrame(4, 4, 0))
	if st := b.Stats(frames.Local); st.Rejected != uint64(len(bad)) || st.Accepted != 0 {
		t.Fatalf("stats %+v, want %d rejected", st, len(bad))
	}
	// The connection still works afterwards.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b.WriteFrame(frames.Local, testFrame(4, 4, 7))
	if h, _ := readFrame(t, ctx, c); h.Stream != frames.Local || h.Seq != 1 {
		t.Fatalf("header %+v after rejected frames", h)
	}
}

func TestCloseLeavesNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	b, err := New(Config{Origins: []string{testOrigin}})
	if err != nil {
		t.Fatal(err)
	}
	var pages []*websocket.Conn
	for range 3 {
		pages = append(pages, connect(t, b))
	}
	b.WriteFrame(frames.Remote, testFrame(16, 16, 1))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if b.Clients() != 0 {
		t.Fatalf("%d clients after Close", b.Clients())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, p := range pages {
		for {
			_, _, err := p.Read(ctx)
			if err == nil {
				continue // a frame written before Close
			}
			var ce websocket.CloseError
			if errors.As(err, &ce) && ce.Code != websocket.StatusGoingAway {
				t.Fatalf("page closed with %v, want going away", ce.Code)
			}
			break
		}
		p.CloseNow()
	}
	testwait.Goroutines(t, before, 15*time.Second)
	if _, _, err := dial(ctx, b.URL(), testOrigin); err == nil {
		t.Fatal("dial succeeded after Close")
	}
	// Frames after Close go nowhere and do not panic.
	b.WriteFrame(frames.Remote, testFrame(16, 16, 1))
}

func TestPageDisconnectIsNoticed(t *testing.T) {
	b := newTestBridge(t)
	c := connect(t, b)
	c.Close(websocket.StatusNormalClosure, "")
	testwait.Until(t, "the bridge to drop the closed page", 15*time.Second, func() bool { return b.Clients() == 0 })
}

// Frame bodies are recycled between frames (see pending). Two pages, one
// of them shown a shrunk copy and one reading slowly, take every frame the
// engine writes, and each one they receive must still be the picture its
// sequence number was written with: a body recycled while a page was
// still sending it would show another frame's bytes.
func TestRecycledBodiesStayIntact(t *testing.T) {
	b := newTestBridge(t)
	fast := connect(t, b)
	slow := connect(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := slow.Write(ctx, websocket.MessageText, []byte(`{"stream":1,"width":320,"height":180}`)); err != nil {
		t.Fatal(err)
	}
	const n = 200
	f := testFrame(640, 360, 0)
	// fill makes frame i's picture: every byte of every plane is i.
	fill := func(i int) {
		for _, p := range [][]byte{f.Y, f.U, f.V} {
			for j := range p {
				p[j] = byte(i)
			}
		}
	}
	check := func(name string, c *websocket.Conn, pause time.Duration, done chan<- error) {
		for {
			_, msg, err := c.Read(ctx)
			if err != nil {
				done <- fmt.Errorf("%s: %w", name, err)
				return
			}
			h, err := DecodeHeader(msg)
			if err != nil {
				done <- fmt.Errorf("%s: %w", name, err)
				return
			}
			for j, v := range msg[HeaderSize:] {
				if v != byte(h.Seq) {
					done <- fmt.Errorf("%s: frame %d (%dx%d) has byte %d = %d", name, h.Seq, h.Width, h.Height, j, v)
					return
				}
			}
			if h.Seq >= n {
				done <- nil
				return
			}
			time.Sleep(pause)
		}
	}
	// The slow page's view applies before the first frame, so that frame
	// i is the bridge's sequence number i for both pages.
	testwait.Until(t, "the slow page's view", 10*time.Second, func() bool { return slowView(b) })
	errs := make(chan error, 2)
	go check("fast", fast, 0, errs)
	go check("slow", slow, 3*time.Millisecond, errs)
	for i := 1; i <= n; i++ {
		fill(i)
		b.WriteFrame(frames.Remote, f)
		time.Sleep(time.Millisecond)
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// slowView reports whether some page asked for the remote stream scaled down.
func slowView(b *Bridge) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for c := range b.conns {
		if w, _ := c.sizeFor(frames.Remote, 640, 360); w > 0 && w < 640 {
			return true
		}
	}
	return false
}
