package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleyhq/parley/signaling/protocol"
)

// A minimal WebSocket client (RFC 6455), just what the load generator needs.
//
// The generator shares the machine's cores with the server it measures, so
// every microsecond it spends per frame is taken from the server. A general
// WebSocket library costs, per frame written, a message writer, lock
// channels, a mask-key read and a copy through its buffer, and per frame
// read a message reader and more locks. Here a frame is built once into
// the sender's own buffer, masked in place and handed to the socket in one
// write; reading parses the header from a small buffered reader and reads
// the payload into a pooled buffer. No context, timer or goroutine is
// created per frame.

// wsConn is one client connection.
type wsConn struct {
	conn net.Conn
	br   *bufio.Reader
	key  [4]byte // this connection's masking key

	wmu       sync.Mutex  // one frame at a time on the socket (senders, pongs, close)
	closeSent atomic.Bool // a close frame went out; send no other
}

const (
	opContinuation = 0x0
	opText         = 0x1
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA

	// maxHeader is the longest client frame header: 2 bytes, a 64-bit
	// length and the masking key.
	maxHeader = 2 + 8 + 4

	wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
)

var errBadFrame = errors.New("websocket: malformed frame from the server")

// countingReader counts the bytes read from the socket, WebSocket framing
// and the handshake response included.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// wsDialer opens client connections. With spread > 0 it binds each to one
// of 127.0.0.2 … 127.0.0.(spread+1), so that a server's per-address cap is
// not hit (Linux routes all of 127.0.0.0/8 to the loopback interface).
type wsDialer struct {
	spread  int
	bytesIn *atomic.Int64
	next    atomic.Uint64
}

// dial connects to rawURL (ws://host:port/path) and completes the
// handshake, asking for the "json" subprotocol, within ctx.
func (d *wsDialer) dial(ctx context.Context, rawURL string) (*wsConn, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "ws" {
		return nil, fmt.Errorf("%s: only ws:// URLs are supported", rawURL)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	nd := net.Dialer{}
	if d.spread > 0 {
		i := d.next.Add(1) % uint64(d.spread)
		nd.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, byte((i+2)>>8), byte(i+2))}
	}
	conn, err := nd.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c := &wsConn{conn: conn, br: bufio.NewReaderSize(countingReader{conn, d.bytesIn}, 4096)}
	if err := c.handshake(u); err != nil {
		conn.Close()
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	return c, nil
}

func (c *wsConn) handshake(u *url.URL) error {
	var nonce [16]byte
	rand.Read(nonce[:])
	rand.Read(c.key[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	path := u.RequestURI()
	req := "GET " + path + " HTTP/1.1\r\nHost: " + u.Host +
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key +
		"\r\nSec-WebSocket-Protocol: " + protocol.Subprotocol + "\r\n\r\n"
	if _, err := io.WriteString(c.conn, req); err != nil {
		return err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return fmt.Errorf("handshake: %s", resp.Status)
	}
	sum := sha1.Sum([]byte(key + wsGUID))
	if resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		return errors.New("handshake: wrong Sec-WebSocket-Accept")
	}
	if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != protocol.Subprotocol {
		return fmt.Errorf("handshake: subprotocol %q, want %q", got, protocol.Subprotocol)
	}
	return nil
}

// frameBuf builds one client frame: the payload is appended after room
// for the longest header, which is filled in by finish.
type frameBuf struct {
	b []byte
}

// payload returns an empty payload slice to append to.
func (f *frameBuf) payload() []byte {
	if cap(f.b) < maxHeader {
		f.b = make([]byte, maxHeader, 1024)
	}
	return f.b[:maxHeader]
}

// finish frames p (which payload returned, appended to) as one masked
// frame of opcode op and returns the bytes to write. p is masked in place.
func (f *frameBuf) finish(p []byte, op byte, key [4]byte) []byte {
	f.b = p
	n := len(p) - maxHeader
	var h []byte
	switch {
	case n <= 125:
		h = p[maxHeader-6 : maxHeader]
		h[1] = 0x80 | byte(n)
	case n <= 0xFFFF:
		h = p[maxHeader-8 : maxHeader]
		h[1] = 0x80 | 126
		binary.BigEndian.PutUint16(h[2:], uint16(n))
	default:
		h = p[:maxHeader]
		h[1] = 0x80 | 127
		binary.BigEndian.PutUint64(h[2:], uint64(n))
	}
	h[0] = 0x80 | op // FIN: every frame is a whole message
	copy(h[len(h)-4:], key[:])
	mask(p[maxHeader:], key)
	return p[maxHeader-len(h):]
}

// mask XORs b with key, eight bytes at a time.
func mask(b []byte, key [4]byte) {
	k := uint64(binary.LittleEndian.Uint32(key[:]))
	k |= k << 32
	for len(b) >= 8 {
		binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)^k)
		b = b[8:]
	}
	for i := range b {
		b[i] ^= key[i&3]
	}
}

// writeFrame writes a finished frame.
func (c *wsConn) writeFrame(frame []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.conn.Write(frame)
	return err
}

// send writes payload as one frame of opcode op, for the rare frames that
// are not built in a sender's frameBuf: registration, pongs, close.
func (c *wsConn) send(op byte, payload []byte) error {
	var f frameBuf
	return c.writeFrame(f.finish(append(f.payload(), payload...), op, c.key))
}

// payloads holds read buffers between messages: most connections are idle
// most of the time, and a buffer per connection sized for the largest user
// list it ever saw would cost far more memory than the server under test.
var payloads = sync.Pool{New: func() any { return new([]byte) }}

// readMessages reads frames until the connection ends, answering pings and
// the server's close, and calls fn with each text or binary message (only
// valid during the call). Fragmented messages are joined. A message longer
// than limit ends the connection.
func (c *wsConn) readMessages(limit int, fn func([]byte)) error {
	var hdr [8]byte
	var bp *[]byte // the message being read, from payloads
	defer func() {
		if bp != nil {
			payloads.Put(bp)
		}
	}()
	for {
		if _, err := io.ReadFull(c.br, hdr[:2]); err != nil {
			return err
		}
		fin, op := hdr[0]&0x80 != 0, hdr[0]&0x0F
		if hdr[1]&0x80 != 0 {
			return errBadFrame // servers never mask
		}
		n := uint64(hdr[1] & 0x7F)
		switch n {
		case 126:
			if _, err := io.ReadFull(c.br, hdr[:2]); err != nil {
				return err
			}
			n = uint64(binary.BigEndian.Uint16(hdr[:2]))
		case 127:
			if _, err := io.ReadFull(c.br, hdr[:8]); err != nil {
				return err
			}
			n = binary.BigEndian.Uint64(hdr[:8])
		}
		if op >= opClose {
			if err := c.control(op, fin, n); err != nil {
				return err
			}
			continue
		}
		switch {
		case op == opContinuation && bp == nil, op != opContinuation && bp != nil:
			return errBadFrame // a continuation of nothing, or an unfinished message
		case bp == nil:
			bp = payloads.Get().(*[]byte)
			*bp = (*bp)[:0]
		}
		start := len(*bp)
		if n > uint64(limit-start) {
			return fmt.Errorf("websocket: message over %d bytes", limit)
		}
		msg := *bp
		if need := start + int(n); need > cap(msg) {
			grown := make([]byte, start, need)
			copy(grown, msg)
			msg = grown
		}
		msg = msg[:start+int(n)]
		*bp = msg
		if _, err := io.ReadFull(c.br, msg[start:]); err != nil {
			return err
		}
		if fin {
			fn(msg)
			payloads.Put(bp)
			bp = nil
		}
	}
}

// control handles a ping, pong or close frame of n bytes.
func (c *wsConn) control(op byte, fin bool, n uint64) error {
	if n > 125 || !fin {
		return errBadFrame
	}
	var buf [125]byte
	p := buf[:n]
	if _, err := io.ReadFull(c.br, p); err != nil {
		return err
	}
	switch op {
	case opPing:
		return c.send(opPong, p)
	case opClose:
		if !c.closeSent.Swap(true) {
			c.send(opClose, p) // echo the status, as RFC 6455 asks
		}
		return io.EOF
	}
	return nil
}

// close sends a normal close and waits up to wait for the reader (done) to
// see the server's answer, then closes the socket.
func (c *wsConn) close(done <-chan struct{}, wait time.Duration) {
	var p [2]byte
	binary.BigEndian.PutUint16(p[:], 1000)
	if !c.closeSent.Swap(true) && c.send(opClose, p[:]) == nil {
		t := time.NewTimer(wait)
		select {
		case <-done:
		case <-t.C:
		}
		t.Stop()
	}
	c.conn.Close()
}
