package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

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
	timeline *timeline   // with --timeline; set before measured
}

// loadClient is a lean protocol client: it registers like a Parley client
// (or an MDN one), tracks only the number of users, and timestamps relays.
type loadClient struct {
	name  string
	delta bool
	ws    *wsConn
	st    *stats

	users      atomic.Int64
	registered chan struct{}
	joinTime   time.Duration
	done       chan struct{}
}

// readLimit bounds one message: a full user list of 10,000 names is about
// 100 KB, so this is far above anything the server sends.
const readLimit = 64 << 20

// dial connects and starts the reader; registration completes in the
// background (see registered).
func dial(ctx context.Context, d *wsDialer, url, name string, delta bool, st *stats) (*loadClient, error) {
	start := time.Now()
	ws, err := d.dial(ctx, url)
	if err != nil {
		return nil, err
	}
	c := &loadClient{name: name, delta: delta, ws: ws, st: st, registered: make(chan struct{}), done: make(chan struct{})}
	go c.read(start)
	return c, nil
}

func (c *loadClient) read(start time.Time) {
	defer close(c.done)
	c.ws.readMessages(readLimit, func(f []byte) { c.handle(f, start) })
}

func (c *loadClient) handle(f []byte, start time.Time) {
	switch {
	case bytes.HasPrefix(f, prefixID):
		if c.delta {
			c.ws.send(opText, protocol.Encode(&protocol.Message{Type: protocol.TypeHello, Features: []string{protocol.FeatureUserDelta}}))
		}
		c.ws.send(opText, protocol.Encode(&protocol.Message{Type: protocol.TypeUsername, Name: c.name, Date: time.Now().UnixMilli()}))
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
			now := time.Now()
			age := time.Duration(now.UnixNano() - sent)
			c.st.relayed.Add(1)
			c.st.latency.record(age)
			if tl := c.st.timeline; tl != nil {
				tl.record(now, age)
			}
		}
	}
}

func (c *loadClient) close() {
	c.ws.close(c.done, 5*time.Second)
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

// appendFrame appends step s of a call to target to dst, stamped with
// now (Unix nanoseconds) in an extension field the server relays untouched.
func (cs *callScript) appendFrame(dst []byte, step int, target string, now int64) []byte {
	switch step {
	case 0:
		dst = append(dst, `{"type":"video-offer","target":`...)
	case 1:
		dst = append(dst, `{"type":"video-answer","target":`...)
	case callSteps - 1:
		dst = append(dst, `{"type":"hang-up","target":`...)
	default:
		dst = append(dst, `{"type":"new-ice-candidate","target":`...)
	}
	dst = strconv.AppendQuote(dst, target)
	dst = append(dst, `,"sent":`...)
	dst = strconv.AppendInt(dst, now, 10)
	switch step {
	case 0:
		dst = append(dst, `,"sdp":{"type":"offer","sdp":`...)
		dst = append(dst, cs.offerSDP...)
		return append(dst, "}}"...)
	case 1:
		dst = append(dst, `,"sdp":{"type":"answer","sdp":`...)
		dst = append(dst, cs.answerSDP...)
		return append(dst, "}}"...)
	case callSteps - 1:
		return append(dst, '}')
	}
	dst = append(dst, `,"candidate":{"candidate":"candidate:842163049 1 udp 1677729535 203.0.113.`...)
	dst = strconv.AppendInt(dst, int64(step), 10)
	dst = append(dst, " 5"...)
	for p := 1000; p > 1; p /= 10 { // the port: 5 then step in four digits
		if step < p {
			dst = append(dst, '0')
		}
	}
	dst = strconv.AppendInt(dst, int64(step), 10)
	return append(dst, ` typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag Zx9q network-cost 999","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"Zx9q"}}`...)
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
