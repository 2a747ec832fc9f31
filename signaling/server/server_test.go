package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/signaling/protocol"
)

// An unmodified MDN client: subprotocol "json", no hello, full userlists,
// offers relayed with the server's name, chat broadcast.
func TestMDNClientFlow(t *testing.T) {
	ts := start(t, Config{CoalesceInterval: 10 * time.Millisecond})
	alice := mdnDial(t, ts.url())
	if got := alice.conn.Subprotocol(); got != "json" {
		t.Fatalf("subprotocol = %q, want json", got)
	}
	first := alice.next()
	if first.Type != protocol.TypeID || first.ID == 0 {
		t.Fatalf("first frame = %+v", first)
	}
	alice.send(&protocol.Message{Type: protocol.TypeUsername, Name: "alice", ID: first.ID, Date: 1})
	if l := alice.until(protocol.TypeUserlist); !slices.Equal(l.Users, []string{"alice"}) {
		t.Fatalf("alice's list = %v", l.Users)
	}

	bob := mdnDial(t, ts.url())
	if l := bob.register("bob"); !slices.Equal(l.Users, []string{"alice", "bob"}) {
		t.Fatalf("bob's list = %v", l.Users)
	}
	if l := alice.until(protocol.TypeUserlist); !slices.Equal(l.Users, []string{"alice", "bob"}) {
		t.Fatalf("alice's list after bob = %v", l.Users)
	}

	// A duplicate name gets a number and a rejectusername.
	alice2 := mdnDial(t, ts.url())
	id := alice2.until(protocol.TypeID)
	alice2.send(&protocol.Message{Type: protocol.TypeUsername, Name: "alice", ID: id.ID})
	if rej := alice2.next(); rej.Type != protocol.TypeRejectUsername || rej.Name != "alice1" {
		t.Fatalf("duplicate got %+v", rej)
	}

	// A forged name is replaced by the sender's.
	alice.sendRaw(`{"type":"video-offer","name":"bob","target":"bob","sdp":{"type":"offer","sdp":"v=0\r\n"}}`)
	offer := bob.until(protocol.TypeVideoOffer)
	if offer.Name != "alice" || offer.SDP.SDP != "v=0\r\n" {
		t.Fatalf("offer = %+v", offer)
	}
	bob.sendRaw(`{"type":"new-ice-candidate","target":"alice","candidate":{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMid":"0","sdpMLineIndex":0}}`)
	cand := alice.until(protocol.TypeNewICECandidate)
	if cand.Name != "bob" || cand.Candidate.Candidate == "" || *cand.Candidate.SDPMid != "0" {
		t.Fatalf("candidate = %+v", cand)
	}

	before := time.Now().UnixMilli()
	bob.send(&protocol.Message{Type: protocol.TypeMessage, Text: "<img src=x>", ID: 5, Date: 1})
	chat := alice.until(protocol.TypeMessage)
	if chat.Name != "bob" || chat.Text != "<img src=x>" || chat.Date < before {
		t.Fatalf("chat = %+v", chat)
	}

	alice.sendRaw(`{"type":"hang-up","target":"nobody"}`)
	e := alice.until(protocol.TypeError)
	if e.Code != protocol.ErrNoSuchUser || e.User != "nobody" {
		t.Fatalf("error = %+v", e)
	}
}

func TestClientWithoutSubprotocol(t *testing.T) {
	ts := start(t, Config{})
	c := dialWS(t, ts.url(), nil)
	if c.conn.Subprotocol() != "" {
		t.Fatalf("subprotocol = %q", c.conn.Subprotocol())
	}
	if l := c.register("plain"); !slices.Equal(l.Users, []string{"plain"}) {
		t.Fatalf("list = %v", l.Users)
	}
}

func TestBadFramesGetErrorsAndConnectionStays(t *testing.T) {
	ts := start(t, Config{})
	c := mdnDial(t, ts.url())
	c.until(protocol.TypeID)
	for _, tc := range []struct {
		frame string
		code  protocol.ErrorCode
	}{
		{`{"type":`, protocol.ErrBadJSON},
		{`[1,2]`, protocol.ErrBadJSON},
		{`{"name":"x"}`, protocol.ErrMissingField},
		{`{"type":"message","text":"too early"}`, protocol.ErrNotRegistered},
		{`{"type":"username","name":"\u0007"}`, protocol.ErrBadName},
		{`{"type":"userlist","users":[]}`, protocol.ErrUnsupported},
	} {
		c.sendRaw(tc.frame)
		if e := c.next(); e.Type != protocol.TypeError || e.Code != tc.code {
			t.Errorf("%s: got %+v, want error %s", tc.frame, e, tc.code)
		}
	}
	c.send(&protocol.Message{Type: protocol.TypeUsername, Name: "survivor"})
	c.until(protocol.TypeUserlist)
	c.sendRaw(`{"type":"video-offer","target":"survivor"}`)
	if e := c.next(); e.Code != protocol.ErrMissingField || e.About != protocol.TypeVideoOffer {
		t.Fatalf("offer without sdp: %+v", e)
	}
}

func TestOversizedFrameClosesWith1009(t *testing.T) {
	ts := start(t, Config{})
	c := mdnDial(t, ts.url())
	c.register("big")
	// A Chrome-sized offer (12 KB) passes; 100 KiB closes the connection.
	sdp := strings.Repeat("a=candidate:x\r\n", 12000/15)
	c.send(&protocol.Message{Type: protocol.TypeVideoOffer, Target: "big", SDP: &protocol.SessionDescription{Type: "offer", SDP: sdp}})
	if m := c.next(); m.Type != protocol.TypeVideoOffer || m.SDP.SDP != sdp {
		t.Fatalf("12 KB offer came back as %s", m.Type)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c.conn.Write(ctx, websocket.MessageText, []byte(`{"type":"message","text":"`+strings.Repeat("x", 100<<10)+`"}`))
	if got := c.closeStatus(); got != websocket.StatusMessageTooBig {
		t.Fatalf("close status = %v, want 1009", got)
	}
}

func TestOriginIsChecked(t *testing.T) {
	ts := start(t, Config{AllowOrigins: []string{"https://parley.example", "wails://wails"}})
	dial := func(origin string) (int, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		h := http.Header{}
		if origin != "" {
			h.Set("Origin", origin)
		}
		conn, resp, err := websocket.Dial(ctx, ts.url(), &websocket.DialOptions{HTTPHeader: h})
		if err == nil {
			conn.CloseNow()
		}
		if resp != nil {
			return resp.StatusCode, err
		}
		return 0, err
	}
	for origin, want := range map[string]int{
		"":                       http.StatusSwitchingProtocols,
		"http://" + ts.addr:      http.StatusSwitchingProtocols,
		"https://parley.example": http.StatusSwitchingProtocols,
		"wails://wails":          http.StatusSwitchingProtocols,
		"https://evil.example":   http.StatusForbidden,
		"http://127.0.0.1:1":     http.StatusForbidden,
	} {
		if got, err := dial(origin); got != want {
			t.Errorf("Origin %q: status %d (%v), want %d", origin, got, err, want)
		}
	}
}

func TestPerIPConnectionCap(t *testing.T) {
	ts := start(t, Config{MaxConnsPerIP: 2})
	a := mdnDial(t, ts.url())
	mdnDial(t, ts.url())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, ts.url(), nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("third connection: %v %v", resp, err)
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), string(protocol.ErrTooManyClients)) {
		t.Fatalf("429 body = %q", body)
	}
	// A slot frees when a connection closes.
	a.conn.Close(websocket.StatusNormalClosure, "")
	waitFor(t, "a free slot", func() bool {
		conn, _, err := websocket.Dial(ctx, ts.url(), nil)
		if err == nil {
			conn.CloseNow()
		}
		return err == nil
	})
}

func TestRateLimitWarnsThenCloses(t *testing.T) {
	ts := start(t, Config{Rate: 1, Burst: 5, RateViolations: 20})
	c := mdnDial(t, ts.url())
	c.register("chatty")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		for i := 0; i < 100; i++ {
			if c.conn.Write(ctx, websocket.MessageText, []byte(`{"type":"hello"}`)) != nil {
				return
			}
		}
	}()
	c.until(protocol.TypeError) // the hello answers come first
	for {
		m, err := c.tryNext(10 * time.Second)
		if err != nil {
			if got := websocket.CloseStatus(err); got != websocket.StatusPolicyViolation {
				t.Fatalf("closed with %v, want 1008", got)
			}
			return
		}
		if m.Type == protocol.TypeError && m.Code != protocol.ErrRateLimited {
			t.Fatalf("unexpected error %+v", m)
		}
	}
}

func TestUnregisteredConnectionIsClosed(t *testing.T) {
	ts := start(t, Config{RegisterTimeout: 100 * time.Millisecond})
	c := mdnDial(t, ts.url())
	c.until(protocol.TypeID)
	if e := c.next(); e.Type != protocol.TypeError || e.Code != protocol.ErrNotRegistered {
		t.Fatalf("got %+v", e)
	}
	if got := c.closeStatus(); got != websocket.StatusPolicyViolation {
		t.Fatalf("close status %v", got)
	}
}

func TestHalfOpenHandshakeIsDropped(t *testing.T) {
	ts := start(t, Config{HandshakeTimeout: 200 * time.Millisecond})
	conn, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n")) // never finishes
	conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	_, err = io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("server kept a half-open handshake")
	}
}

// A client that stops reading fills its queue and is dropped; the others
// keep getting their messages.
func TestSlowConsumerIsDropped(t *testing.T) {
	ts := start(t, Config{SendQueue: 8, Rate: 1e6, Burst: 1e6, WriteTimeout: 500 * time.Millisecond})
	slow := dialIdle(t, ts.url(), nil)
	slow.send(&protocol.Message{Type: protocol.TypeUsername, Name: "slow"})
	fast := mdnDial(t, ts.url())
	fast.register("fast")
	sender := mdnDial(t, ts.url())
	sender.register("sender")
	blob := `{"type":"blob","target":"slow","text":"` + strings.Repeat("x", 60<<10) + `"}`
	// slow never reads. Send it 60 KB frames until the server gives up on
	// it, checking after each that fast still gets its messages promptly.
	for i := 0; slices.Contains(ts.Hub().Users(), "slow"); i++ {
		if i > 20000 {
			t.Fatal("slow consumer never dropped")
		}
		sender.sendRaw(blob)
		sender.send(&protocol.Message{Type: "tick", Target: "fast", Text: strconv.Itoa(i)})
		if m := fast.until("tick"); m.Text != strconv.Itoa(i) || m.Name != "sender" {
			t.Fatalf("fast got %+v", m)
		}
	}
	sender.send(&protocol.Message{Type: protocol.TypeMessage, Text: "still here"})
	if m := fast.until(protocol.TypeMessage); m.Text != "still here" {
		t.Fatalf("fast got %+v", m)
	}
}

func TestDeadPeerIsDroppedByPing(t *testing.T) {
	// The pong deadline is generous so that a loaded machine cannot make the
	// live peer miss it; the dead one never answers and goes regardless.
	ts := start(t, Config{PingInterval: 50 * time.Millisecond, PingTimeout: 2 * time.Second})
	alive := mdnDial(t, ts.url())
	alive.register("alive")
	// dead never reads, so it never answers a ping.
	dead := dialIdle(t, ts.url(), nil)
	dead.send(&protocol.Message{Type: protocol.TypeUsername, Name: "dead"})
	waitFor(t, "dead to register", func() bool { return slices.Contains(ts.Hub().Users(), "dead") })
	waitFor(t, "the dead peer to be dropped", func() bool {
		return !slices.Contains(ts.Hub().Users(), "dead")
	})
	// alive has answered pings all along (several intervals by now).
	if !slices.Contains(ts.Hub().Users(), "alive") {
		t.Fatal("the live peer was dropped")
	}
}

// A client that sent a frame since the last ping is spared the next one;
// one that did not is pinged.
func TestPingSparesClientsHeardFrom(t *testing.T) {
	ts := start(t, Config{PingInterval: time.Hour}) // the timer never fires: the test pings
	var pings atomic.Int32
	c := dialWS(t, ts.url(), &websocket.DialOptions{
		Subprotocols:   []string{protocol.Subprotocol},
		OnPingReceived: func(context.Context, []byte) bool { pings.Add(1); return true },
	})
	c.register("c")
	ts.mu.Lock()
	var cl *client
	for s := range ts.clients {
		cl = s
	}
	ts.mu.Unlock()
	cl.pingPeer() // it sent its username
	if n := pings.Load(); n != 0 {
		t.Fatalf("pinged %d times right after sending a frame", n)
	}
	cl.pingPeer() // it has been quiet since
	if n := pings.Load(); n != 1 {
		t.Fatalf("a quiet client was pinged %d times, want 1", n)
	}
	c.send(&protocol.Message{Type: protocol.TypeHello})
	c.until(protocol.TypeHello)
	cl.pingPeer()
	if n := pings.Load(); n != 1 {
		t.Fatalf("pinged again (%d) after sending a frame", n)
	}
}

func TestDisconnectSendsHangUp(t *testing.T) {
	ts := start(t, Config{})
	a := mdnDial(t, ts.url())
	a.register("a")
	b := mdnDial(t, ts.url())
	b.register("b")
	a.send(&protocol.Message{Type: protocol.TypeVideoOffer, Target: "b", SDP: &protocol.SessionDescription{Type: "offer", SDP: "v=0"}})
	b.until(protocol.TypeVideoOffer)
	b.send(&protocol.Message{Type: protocol.TypeVideoAnswer, Target: "a", SDP: &protocol.SessionDescription{Type: "answer", SDP: "v=0"}})
	a.until(protocol.TypeVideoAnswer)
	a.conn.Close(websocket.StatusNormalClosure, "")
	h := b.until(protocol.TypeHangUp)
	if h.Name != "a" || h.Target != "b" || h.Reason != protocol.ReasonDisconnected {
		t.Fatalf("hang-up = %+v", h)
	}
}

func TestServesBrowserClient(t *testing.T) {
	ts := start(t, Config{})
	resp, err := http.Get("http://" + ts.addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(strings.ToLower(string(body)), "<html") {
		t.Fatalf("GET / = %d %q", resp.StatusCode, body[:min(len(body), 80)])
	}
}

func TestTLS(t *testing.T) {
	cert, key, pool := selfSigned(t)
	ts := startTLS(t, Config{}, cert, key)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	conn, _, err := websocket.Dial(ctx, "wss://"+ts.addr+"/", &websocket.DialOptions{HTTPClient: client, Subprotocols: []string{"json"}})
	if err != nil {
		t.Fatal(err)
	}
	c := newWSClient(t, conn)
	c.pump()
	if l := c.register("secure"); !slices.Equal(l.Users, []string{"secure"}) {
		t.Fatalf("list = %v", l.Users)
	}
	resp, err := client.Get("https://" + ts.addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("https GET / = %d", resp.StatusCode)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and returns its files and
// a pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "parley-test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	parsed, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(parsed)
	return certFile, keyFile, pool
}

func TestShutdownClosesSessionsAndGoroutines(t *testing.T) {
	base := runtime.NumGoroutine()
	ts := start(t, Config{})
	var clients []*wsClient
	for _, n := range []string{"a", "b", "c"} {
		c := mdnDial(t, ts.url())
		c.register(n)
		clients = append(clients, c)
	}
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		if got := c.closeStatus(); got != websocket.StatusGoingAway {
			t.Fatalf("close status %v, want 1001", got)
		}
		c.conn.CloseNow()
	}
	http.DefaultClient.CloseIdleConnections()
	waitGoroutines(t, base)
}

func TestBadOriginPatternIsRejected(t *testing.T) {
	if _, err := New(Config{AllowOrigins: []string{"[bad"}}); err == nil {
		t.Fatal("New accepted a malformed pattern")
	}
}
