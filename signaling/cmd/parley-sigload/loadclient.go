package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/signaling/protocol"
)

// stats are shared by all load clients.
type stats struct {
	bytesIn  atomic.Int64 // bytes read from sockets, WebSocket framing included
	relayed  atomic.Int64 // relayed frames received during the relay phase
	errors   atomic.Int64 // error frames received
	lastErr  atomic.Value // string: the last error frame, for the report
	latency  histogram
	measured atomic.Bool // record relay latency only in the relay phase
}

// countingConn counts the bytes a client receives.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// newHTTPClient returns the client used for every WebSocket handshake. It
// counts received bytes and, with spread > 0, binds each connection to one
// of 127.0.0.2 … 127.0.0.(spread+1) so that a server's per-address cap is
// not hit (Linux routes all of 127.0.0.0/8 to the loopback interface).
func newHTTPClient(st *stats, spread int) *http.Client {
	var next atomic.Uint64
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		d := net.Dialer{Timeout: 30 * time.Second}
		if spread > 0 {
			i := next.Add(1) % uint64(spread)
			d.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, byte((i+2)>>8), byte(i+2))}
		}
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: c, n: &st.bytesIn}, nil
	}
	return &http.Client{Transport: &http.Transport{DialContext: dial, MaxIdleConnsPerHost: -1}}
}

// loadClient is a lean protocol client: it registers like a Parley client
// (or an MDN one), tracks only the number of users, and timestamps relays.
type loadClient struct {
	name  string
	delta bool
	conn  *websocket.Conn
	st    *stats

	users      atomic.Int64
	registered chan struct{}
	joinTime   time.Duration
	done       chan struct{}
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// dial connects and starts the reader; registration completes in the
// background (see registered).
func dial(ctx context.Context, hc *http.Client, url, name string, delta bool, st *stats) (*loadClient, error) {
	start := time.Now()
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: hc, Subprotocols: []string{protocol.Subprotocol}})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(64 << 20)
	c := &loadClient{name: name, delta: delta, conn: conn, st: st, registered: make(chan struct{}), done: make(chan struct{})}
	go c.read(start)
	return c, nil
}

func (c *loadClient) read(start time.Time) {
	defer close(c.done)
	ctx := context.Background()
	for {
		_, r, err := c.conn.Reader(ctx)
		if err != nil {
			return
		}
		buf := bufPool.Get().(*bytes.Buffer)
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			bufPool.Put(buf)
			return
		}
		c.handle(buf.Bytes(), start)
		bufPool.Put(buf)
	}
}

func (c *loadClient) handle(f []byte, start time.Time) {
	switch {
	case bytes.HasPrefix(f, prefixID):
		if c.delta {
			c.send(protocol.Encode(&protocol.Message{Type: protocol.TypeHello, Features: []string{protocol.FeatureUserDelta}}))
		}
		c.send(protocol.Encode(&protocol.Message{Type: protocol.TypeUsername, Name: c.name, Date: time.Now().UnixMilli()}))
	case bytes.HasPrefix(f, prefixUserlist):
		c.users.Store(int64(countUsers(f)))
		select {
		case <-c.registered:
		default:
			c.joinTime = time.Since(start)
			close(c.registered)
		}
	case bytes.HasPrefix(f, prefixJoined):
		c.users.Add(int64(countUsers(f)))
	case bytes.HasPrefix(f, prefixLeft):
		c.users.Add(-int64(countUsers(f)))
	case bytes.HasPrefix(f, prefixHello), bytes.HasPrefix(f, prefixReject):
	case bytes.HasPrefix(f, prefixError):
		c.st.errors.Add(1)
		c.st.lastErr.Store(string(f))
	default:
		if sent, ok := sentAt(f); ok && c.st.measured.Load() {
			c.st.relayed.Add(1)
			c.st.latency.record(time.Duration(time.Now().UnixNano() - sent))
		}
	}
}

// send writes a frame. It has no deadline of its own: a stuck server is
// the measurement, and closing the client ends a blocked write.
func (c *loadClient) send(frame []byte) error {
	return c.conn.Write(context.Background(), websocket.MessageText, frame)
}

func (c *loadClient) close() {
	c.conn.Close(websocket.StatusNormalClosure, "")
	<-c.done
}

// callScript holds the parts of a call's frames that do not change, JSON
// encoded once: a Chrome-sized SDP is 8 KB, and quoting it for every offer
// would make the load generator, not the server, the bottleneck.
type callScript struct {
	offerSDP, answerSDP []byte // quoted JSON strings
}

func newCallScript(sdpBytes int) *callScript {
	sdp := syntheticSDP(sdpBytes)
	offer, _ := json.Marshal(sdp)
	answer, _ := json.Marshal(sdp[:len(sdp)/4])
	return &callScript{offerSDP: offer, answerSDP: answer}
}

// frame builds step s of a call to target, stamped with the send time in
// an extension field the server relays untouched.
func (cs *callScript) frame(step int, target string) []byte {
	now := time.Now().UnixNano()
	switch step {
	case 0:
		return fmt.Appendf(nil, `{"type":"video-offer","target":%q,"sent":%d,"sdp":{"type":"offer","sdp":%s}}`, target, now, cs.offerSDP)
	case 1:
		return fmt.Appendf(nil, `{"type":"video-answer","target":%q,"sent":%d,"sdp":{"type":"answer","sdp":%s}}`, target, now, cs.answerSDP)
	case callSteps - 1:
		return fmt.Appendf(nil, `{"type":"hang-up","target":%q,"sent":%d}`, target, now)
	default:
		return fmt.Appendf(nil, `{"type":"new-ice-candidate","target":%q,"sent":%d,"candidate":{"candidate":"candidate:842163049 1 udp 1677729535 203.0.113.%d 5%04d typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag Zx9q network-cost 999","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"Zx9q"}}`, target, now, step, step)
	}
}

// callSteps is one call's script: offer, answer, 8 candidates (alternating
// sides), hang-up.
const callSteps = 11

// callerSends reports which side of a pair sends step s: the caller sends the
// offer, the hang-up and the even candidates; the callee the rest.
func callerSends(step int) bool {
	return step == 0 || step == callSteps-1 || (step >= 2 && step%2 == 0)
}

// syntheticSDP returns an SDP-like body of about n bytes, shaped like
// Chrome's (CRLF lines of attributes).
func syntheticSDP(n int) string {
	var b bytes.Buffer
	b.WriteString("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n")
	for pt := 96; b.Len() < n; pt++ {
		fmt.Fprintf(&b, "a=rtpmap:%d VP8/90000\r\na=rtcp-fb:%d goog-remb\r\na=rtcp-fb:%d transport-cc\r\na=rtcp-fb:%d nack pli\r\n", pt, pt, pt, pt)
	}
	return b.String()
}
