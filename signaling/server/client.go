package server

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/parleyhq/parley/signaling/auth"
	"github.com/parleyhq/parley/signaling/hub"
	"github.com/parleyhq/parley/signaling/protocol"
)

// client is one connected WebSocket client: the server's side of it. It implements hub.Peer.
//
// The HTTP handler's goroutine reads. Writing happens on a goroutine that
// exists only while there is something to write: the hub queues frames
// without blocking, and the first frame into an empty queue starts a writer
// that drains it and exits. An idle connection therefore costs one
// goroutine, which is what lets one process hold tens of thousands of them.
// Pings run on a timer for the same reason.
type client struct {
	srv  *Server
	conn *websocket.Conn
	id   int64
	addr string

	grant auth.Grant // who the connection authenticated as

	mu          sync.Mutex
	queue       []queued
	spare       []queued // the last batch written, emptied, to hold the next queue
	queueBytes  int
	writing     bool // a writer goroutine is running (or the connection is finished)
	closing     bool // end was called: close after the queue is written
	closeCode   websocket.StatusCode
	closeReason string
	finished    chan struct{} // closed once the connection is closed and no writer runs
	writer      func()        // s.write, made once: "go s.write()" allocates a closure per burst

	ping     *time.Timer
	heard    atomic.Bool // a frame arrived since the last ping; see pingPeer
	pongWait *time.Timer // the ping's PingTimeout; see pingPeer
	stall    *time.Timer // the writer's WriteTimeout; see writeBatch
	ice      iceRefresher
}

func newClient(srv *Server, conn *websocket.Conn, id int64, addr string, grant auth.Grant) *client {
	s := &client{srv: srv, conn: conn, id: id, addr: addr, grant: grant, finished: make(chan struct{})}
	s.writer = s.write
	return s
}

// queued is a frame waiting to be written: shared bytes from Send, or a
// relayed frame from SendOwned, which the client releases once written
// or dropped.
type queued struct {
	data  []byte
	owned *hub.Buffer // nil for a shared frame
}

// drop releases q's frame if the client owns it; q is not written.
func (q queued) drop() {
	if q.owned != nil {
		q.owned.Release()
	}
}

// release drops the frames of an abandoned queue or batch.
func release(qs []queued) {
	for _, q := range qs {
		q.drop()
	}
}

// ID implements hub.Peer.
func (s *client) ID() int64 { return s.id }

// Send implements hub.Peer: it queues without blocking. A full queue marks
// the client as a slow consumer and ends its connection.
func (s *client) Send(frame []byte) bool {
	return s.enqueue(queued{data: frame})
}

// SendOwned implements hub.Peer: Send for a relayed frame, which the
// client releases after writing it or when it drops it.
func (s *client) SendOwned(f *hub.Buffer) bool {
	return s.enqueue(queued{data: f.Bytes(), owned: f})
}

func (s *client) enqueue(q queued) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		q.drop()
		return false
	}
	// A frame bigger than the byte bound still goes into an empty queue,
	// so one large user list cannot disconnect a client that reads.
	if len(s.queue) >= s.srv.cfg.SendQueue || (len(s.queue) > 0 && s.queueBytes+len(q.data) > s.srv.cfg.SendQueueBytes) {
		s.srv.cfg.Logger.Warn("slow consumer dropped", "id", s.id, "addr", s.addr, "queued", len(s.queue), "bytes", s.queueBytes)
		release(s.queue) // abandoned: the client is not reading
		q.drop()
		s.queue, s.queueBytes = nil, 0
		s.endLocked(websocket.StatusPolicyViolation, "send queue full")
		// The writer is stuck in a write the client does not read; cut the
		// connection now rather than after WriteTimeout, so the name and
		// its resources are freed at once.
		s.conn.CloseNow()
		return false
	}
	s.queue = append(s.queue, q)
	s.queueBytes += len(q.data)
	s.startWriterLocked()
	return true
}

// sendError queues err for the client; the connection stays open.
func (s *client) sendError(err *protocol.Error) {
	s.srv.cfg.Logger.Debug("client error", "id", s.id, "code", err.Code, "about", err.About)
	s.Send(protocol.Encode(err.Message()))
}

// end closes the connection with code once the frames queued before it
// (such as an error explaining the close) are written.
func (s *client) end(code websocket.StatusCode, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endLocked(code, reason)
}

func (s *client) endLocked(code websocket.StatusCode, reason string) {
	if s.closing {
		return
	}
	s.closing, s.closeCode, s.closeReason = true, code, reason
	s.startWriterLocked()
}

func (s *client) startWriterLocked() {
	if !s.writing {
		s.writing = true
		go s.writer()
	}
}

// write drains the queue, then either exits (more frames will start a new
// writer) or, if the client is ending, closes the connection.
//
// The queue and the batch being written swap slices: the batch written
// last becomes the spare that takes the next frames, so a client that
// relays steadily allocates no queue (a new slice per burst was garbage at
// 20,000 frames/s). A spare that grew past maxSpare is let go, so a rare
// burst does not stay with the connection.
func (s *client) write() {
	var written []queued
	for {
		s.mu.Lock()
		if cap(written) > 0 && cap(written) <= maxSpare {
			if s.queue == nil {
				s.queue = written[:0]
			} else {
				s.spare = written[:0]
			}
		}
		batch := s.queue
		if len(batch) == 0 {
			if !s.closing {
				s.writing = false
				s.mu.Unlock()
				return
			}
			code, reason := s.closeCode, s.closeReason
			s.mu.Unlock()
			s.conn.Close(code, reason)
			close(s.finished)
			return
		}
		s.queue, s.spare, s.queueBytes = s.spare, nil, 0
		s.mu.Unlock()
		err := s.writeBatch(batch)
		clear(batch) // the shared frames are not this client's to keep
		if err != nil {
			s.fail()
			return
		}
		written = batch
	}
}

// maxSpare bounds the queue slice a client keeps between bursts: 32
// frames, 1 KiB, where the queue may grow to SendQueue (256) frames.
const maxSpare = 32

// writeBatch writes frames in order within one WriteTimeout: a client that
// cannot take a queue's worth of frames in that time is not keeping up, and
// the stall timer cuts its connection, which fails the blocked write.
//
// The timeout is one timer per client, re-armed per batch, rather than a
// context per batch: a context with a deadline made a timer, a context and
// (inside the WebSocket library) a cancellation callback for every frame
// relayed, about 7 % of the server's CPU at 20,000 frames/s. Writes get
// context.Background, which the library takes as "no timeout" and skips.
// Only the writer uses stall, and there is one writer at a time.
//
// Owned frames are released as soon as their write returns (the library
// does not keep the bytes), and the rest of the batch when a write fails.
func (s *client) writeBatch(batch []queued) error {
	if s.stall == nil {
		s.stall = time.AfterFunc(s.srv.cfg.WriteTimeout, s.writeStalled)
	} else {
		s.stall.Reset(s.srv.cfg.WriteTimeout)
	}
	defer s.stall.Stop()
	for i, q := range batch {
		err := s.conn.Write(context.Background(), websocket.MessageText, q.data)
		q.drop()
		if err != nil {
			release(batch[i+1:])
			return err
		}
	}
	return nil
}

// writeStalled runs when a batch took longer than WriteTimeout.
func (s *client) writeStalled() {
	s.srv.cfg.Logger.Warn("write timed out: dropping", "id", s.id, "addr", s.addr)
	s.conn.CloseNow()
}

// fail drops the connection without a close handshake after a write
// failed. Only the writer calls it; it keeps the writer role, so nothing
// writes again.
func (s *client) fail() {
	s.mu.Lock()
	s.closing = true
	release(s.queue)
	s.queue, s.queueBytes = nil, 0
	s.mu.Unlock()
	s.conn.CloseNow()
	close(s.finished)
}

// pingPeer runs on the ping timer: a peer that does not answer within
// PingTimeout is dropped, as is its TCP connection.
//
// A peer that sent a frame since the last ping is not pinged: it is
// evidently there, and writes to it have their own stall timer. Pings are
// the server's main garbage once relayed frames are recycled (the
// WebSocket library makes a context, a timer and callbacks for every ping
// it writes and every pong it reads, about 1.6 KB a round trip, or a
// garbage collection every minute or so with 10,000 clients), so sparing
// them on the connections that relay keeps collections away from the
// frames whose latency counts. A dead peer is still dropped within two
// intervals and a timeout.
//
// The pong deadline is the client's pongWait timer, re-armed per ping,
// and the ping itself takes context.Background (it returns when the pong
// arrives or the connection closes), which spares a context per ping.
func (s *client) pingPeer() {
	cfg := s.srv.cfg
	if s.heard.Swap(false) {
		s.ping.Reset(cfg.PingInterval)
		return
	}
	s.pongWait.Reset(cfg.PingTimeout)
	err := s.conn.Ping(context.Background())
	s.pongWait.Stop()
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if closing {
		return
	}
	if err != nil {
		cfg.Logger.Warn("ping failed: dropping", "id", s.id, "addr", s.addr, "err", err)
		s.conn.CloseNow() // the reader fails, and run ends it
		return
	}
	s.ping.Reset(cfg.PingInterval)
}

// pongLate runs when a ping was not answered within PingTimeout: cutting
// the connection ends the ping, and the reader, and run ends it.
func (s *client) pongLate() {
	s.srv.cfg.Logger.Warn("no pong in time: dropping", "id", s.id, "addr", s.addr)
	s.conn.CloseNow()
}

// firstPing is when a new connection is first pinged: at a random point
// of the second half of the interval, so that clients that connected
// together (all of them, after a restart) are not pinged together every
// interval after, which made bursts of thousands of pings a second.
func firstPing(interval time.Duration) time.Duration {
	return interval/2 + rand.N(interval/2+1)
}

// run serves the connection until it closes.
func (s *client) run(h *hub.Hub) {
	cfg := s.srv.cfg
	member, err := h.Attach(s)
	if err != nil {
		s.conn.Close(websocket.StatusGoingAway, "server shutting down")
		return
	}
	s.pongWait = time.AfterFunc(cfg.PingTimeout, s.pongLate)
	s.pongWait.Stop()
	s.ping = time.AfterFunc(firstPing(cfg.PingInterval), s.pingPeer)
	registerDeadline := time.AfterFunc(cfg.RegisterTimeout, func() {
		if !member.Registered() {
			s.sendError(protocol.Errorf(protocol.ErrNotRegistered, "", "no username within %s", cfg.RegisterTimeout))
			s.end(websocket.StatusPolicyViolation, "registration timeout")
		}
	})

	s.read(member)

	s.ice.stop()
	registerDeadline.Stop()
	s.ping.Stop()
	member.Detach()
	s.end(websocket.StatusNormalClosure, "")
	<-s.finished
}

// read decodes client frames and hands them to the hub until the connection
// fails or closes. Bad frames get an error; the connection stays.
//
// Reads take no context: the connection's end (a close, CloseNow from a
// failed ping or write, or Shutdown's deadline) is what stops them. A
// cancellable context would register a callback on every read, and with one
// shared server context that serialises all readers on its lock.
func (s *client) read(member *hub.Member) {
	in := inbound{limiter: rate.NewLimiter(rate.Limit(s.srv.cfg.Rate), s.srv.cfg.Burst)}
	for {
		typ, r, err := s.conn.Reader(context.Background())
		if err != nil {
			s.logEnd(err)
			return
		}
		if !s.heard.Load() {
			s.heard.Store(true)
		}
		buf := readBuffers.Get().(*bytes.Buffer)
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			readBuffers.Put(buf)
			s.logEnd(err)
			return
		}
		s.handleFrame(member, &in, typ, buf.Bytes())
		readBuffers.Put(buf)
	}
}

// readBuffers holds frame buffers between reads. Relaying is a read, a
// decode and a write per frame; allocating each frame (and growing it to
// Chrome's 12 KB offers) made the garbage collector a quarter of the
// server's CPU. Nothing keeps a frame after handleFrame returns: DecodeRoute,
// the stamp and the hub copy what they need.
var readBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// inbound is the reader's state: its rate limit, and the Message every
// frame is decoded into (see protocol.DecodeRoute), so that relaying a
// frame allocates nothing.
type inbound struct {
	limiter *rate.Limiter
	dropped int // frames dropped in a row
	msg     protocol.Message
}

// handleFrame applies the rate limit, decodes one frame and hands it to the
// hub. data is only valid during the call.
func (s *client) handleFrame(member *hub.Member, in *inbound, typ websocket.MessageType, data []byte) {
	cfg := s.srv.cfg
	if !in.limiter.Allow() {
		in.dropped++
		if in.dropped == 1 {
			s.sendError(protocol.Errorf(protocol.ErrRateLimited, "", "more than %g messages per second; messages are being dropped", cfg.Rate))
		}
		if in.dropped >= cfg.RateViolations {
			cfg.Logger.Warn("rate limit: closing", "id", s.id, "addr", s.addr)
			s.end(websocket.StatusPolicyViolation, "rate limit exceeded")
		}
		return
	}
	in.dropped = 0
	if typ != websocket.MessageText {
		s.sendError(protocol.Errorf(protocol.ErrBadJSON, "", "frames must be text"))
		return
	}
	msg := &in.msg
	if err := protocol.DecodeRoute(data, msg); err != nil {
		s.sendError(asProtocolError(err))
		return
	}
	if msg.Type == protocol.TypeUsername && s.grant.User != "" && msg.Name != s.grant.User {
		cfg.Logger.Warn("name not in token: closing", "id", s.id, "addr", s.addr)
		s.sendError(protocol.Errorf(protocol.ErrUnauthorized, protocol.TypeUsername, "this token is for another user name"))
		s.end(websocket.StatusPolicyViolation, "unauthorized")
		return
	}
	if herr := member.Handle(msg, data); herr != nil {
		s.sendError(herr)
	}
	if msg.Type == protocol.TypeUsername && member.Registered() {
		s.ice.start(s, member.Name())
	}
}

func (s *client) logEnd(err error) {
	log := s.srv.cfg.Logger
	switch status := websocket.CloseStatus(err); {
	case errors.Is(err, websocket.ErrMessageTooBig):
		log.Warn("frame too large: closed", "id", s.id, "addr", s.addr)
	case status != -1:
		log.Debug("closed", "id", s.id, "addr", s.addr, "status", status)
	default:
		log.Debug("connection ended", "id", s.id, "addr", s.addr, "err", err)
	}
}

// asProtocolError keeps typed errors and wraps anything else, so the client
// always gets a code it can switch on.
func asProtocolError(err error) *protocol.Error {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe
	}
	return protocol.Errorf(protocol.ErrBadJSON, "", "%v", err)
}

// Evict implements hub.Evictable: a resumed connection took this one's name.
// The close code tells a live client (an older tab) not to reconnect.
func (s *client) Evict() {
	s.srv.cfg.Logger.Info("replaced by a resumed session", "id", s.id, "addr", s.addr)
	s.end(protocol.CloseReplaced, "replaced by a resumed session")
}
