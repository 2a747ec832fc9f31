package server

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/parleyhq/parley/signaling/hub"
	"github.com/parleyhq/parley/signaling/protocol"
)

// session is one WebSocket connection. The HTTP handler's goroutine reads;
// a second goroutine writes the send queue and pings, so the hub never waits
// on the network. It implements hub.Peer.
type session struct {
	srv   *Server
	conn  *websocket.Conn
	id    int64
	addr  string
	queue chan []byte

	stopOnce    sync.Once
	stop        chan struct{} // closed when the session must end
	closeCode   websocket.StatusCode
	closeReason string
	slow        bool // ended as a slow consumer: queued frames are abandoned
}

func newSession(srv *Server, conn *websocket.Conn, id int64, addr string) *session {
	return &session{
		srv:   srv,
		conn:  conn,
		id:    id,
		addr:  addr,
		queue: make(chan []byte, srv.cfg.SendQueue),
		stop:  make(chan struct{}),
	}
}

// ID implements hub.Peer.
func (s *session) ID() int64 { return s.id }

// Send implements hub.Peer: it queues without blocking, and a full queue
// marks the client as a slow consumer and ends the session.
func (s *session) Send(frame []byte) bool {
	select {
	case <-s.stop:
		return false
	default:
	}
	select {
	case s.queue <- frame:
		return true
	default:
		s.srv.cfg.Logger.Warn("slow consumer dropped", "id", s.id, "addr", s.addr, "queued", len(s.queue))
		s.stopOnce.Do(func() {
			s.closeCode, s.closeReason, s.slow = websocket.StatusPolicyViolation, "send queue full", true
			close(s.stop)
		})
		return false
	}
}

// sendError queues err for the client; the connection stays open.
func (s *session) sendError(err *protocol.Error) {
	s.srv.cfg.Logger.Debug("client error", "id", s.id, "code", err.Code, "about", err.About)
	s.Send(protocol.Encode(err.Message()))
}

// end asks the writer to close the connection with code; frames queued
// before it (an error explaining the close) are still sent.
func (s *session) end(code websocket.StatusCode, reason string) {
	s.stopOnce.Do(func() {
		s.closeCode, s.closeReason = code, reason
		close(s.stop)
	})
}

// run serves the connection until it closes. ctx is the server's lifetime.
func (s *session) run(ctx context.Context, h *hub.Hub) {
	cfg := s.srv.cfg
	member, err := h.Attach(s)
	if err != nil {
		s.conn.Close(websocket.StatusGoingAway, "server shutting down")
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.write(ctx)
	}()
	registerDeadline := time.AfterFunc(cfg.RegisterTimeout, func() {
		if !member.Registered() {
			s.sendError(protocol.Errorf(protocol.ErrNotRegistered, "", "no username within %s", cfg.RegisterTimeout))
			s.end(websocket.StatusPolicyViolation, "registration timeout")
		}
	})

	s.read(ctx, member)

	registerDeadline.Stop()
	member.Detach()
	s.end(websocket.StatusNormalClosure, "")
	wg.Wait()
}

// read decodes client frames and hands them to the hub until the connection
// fails or closes. Bad frames get an error; the connection stays.
func (s *session) read(ctx context.Context, member *hub.Member) {
	cfg := s.srv.cfg
	limiter := rate.NewLimiter(rate.Limit(cfg.Rate), cfg.Burst)
	dropped := 0
	for {
		typ, data, err := s.conn.Read(ctx)
		if err != nil {
			s.logEnd(err)
			return
		}
		if !limiter.Allow() {
			dropped++
			if dropped == 1 {
				s.sendError(protocol.Errorf(protocol.ErrRateLimited, "", "more than %g messages per second; messages are being dropped", cfg.Rate))
			}
			if dropped >= cfg.RateViolations {
				s.srv.cfg.Logger.Warn("rate limit: closing", "id", s.id, "addr", s.addr)
				s.end(websocket.StatusPolicyViolation, "rate limit exceeded")
			}
			continue
		}
		dropped = 0
		if typ != websocket.MessageText {
			s.sendError(protocol.Errorf(protocol.ErrBadJSON, "", "frames must be text"))
			continue
		}
		msg, perr := protocol.Decode(data)
		if perr != nil {
			s.sendError(asProtocolError(perr))
			continue
		}
		if herr := member.Handle(msg, data); herr != nil {
			s.sendError(herr)
		}
	}
}

// write sends queued frames and pings until the session ends, then closes
// the connection with the recorded status.
func (s *session) write(ctx context.Context) {
	cfg := s.srv.cfg
	ping := time.NewTicker(cfg.PingInterval)
	defer ping.Stop()
	for {
		select {
		case frame := <-s.queue:
			if err := s.writeFrame(ctx, frame); err != nil {
				s.conn.CloseNow()
				return
			}
		case <-ping.C:
			pctx, cancel := context.WithTimeout(ctx, cfg.PingTimeout)
			err := s.conn.Ping(pctx)
			cancel()
			if err != nil {
				cfg.Logger.Info("ping failed: dropping", "id", s.id, "addr", s.addr, "err", err)
				s.conn.CloseNow()
				return
			}
		case <-s.stop:
			if !s.slow {
				s.drain(ctx)
			}
			s.conn.Close(s.closeCode, s.closeReason)
			return
		case <-ctx.Done():
			s.conn.Close(websocket.StatusGoingAway, "server shutting down")
			return
		}
	}
}

// drain writes what is already queued, such as the error that explains why
// the connection is about to close.
func (s *session) drain(ctx context.Context) {
	for {
		select {
		case frame := <-s.queue:
			if s.writeFrame(ctx, frame) != nil {
				return
			}
		default:
			return
		}
	}
}

func (s *session) writeFrame(ctx context.Context, frame []byte) error {
	wctx, cancel := context.WithTimeout(ctx, s.srv.cfg.WriteTimeout)
	defer cancel()
	return s.conn.Write(wctx, websocket.MessageText, frame)
}

func (s *session) logEnd(err error) {
	log := s.srv.cfg.Logger
	switch status := websocket.CloseStatus(err); {
	case status == websocket.StatusNormalClosure || status == websocket.StatusGoingAway:
		log.Debug("closed", "id", s.id, "addr", s.addr, "status", status)
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
