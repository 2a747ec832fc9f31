package server

import (
	"sync"
	"time"

	"github.com/parleyhq/parley/signaling/protocol"
)

// minRefresh keeps a misconfigured issuer (credentials that expire at
// once) from turning the refresh timer into a busy loop.
const minRefresh = 10 * time.Second

// iceRefresher sends a client its ICE servers when it registers and again
// before they expire: at four fifths of their remaining life, so a client
// always holds credentials that outlive the call it starts now by a fifth
// of their lifetime.
type iceRefresher struct {
	mu      sync.Mutex
	user    string
	timer   *time.Timer
	stopped bool
}

// start issues ICE servers for user (again after a rename) and schedules
// their refresh. It does nothing without Config.ICEServers.
func (r *iceRefresher) start(s *client, user string) {
	issue := s.srv.cfg.ICEServers
	if issue == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped || r.user == user {
		return
	}
	r.user = user
	if r.timer != nil {
		r.timer.Stop()
	}
	r.sendLocked(s, issue)
}

func (r *iceRefresher) sendLocked(s *client, issue func(string) ([]protocol.ICEServer, time.Time, error)) {
	servers, expires, err := issue(r.user)
	if err != nil {
		s.srv.cfg.Logger.Error("issuing ICE servers", "id", s.id, "err", err)
		s.sendError(protocol.Errorf(protocol.ErrInternal, protocol.TypeICEServers, "could not issue relay credentials"))
		return
	}
	s.Send(protocol.Encode(&protocol.Message{Type: protocol.TypeICEServers, ICEServers: servers}))
	next := max(time.Until(expires)*4/5, minRefresh)
	r.timer = time.AfterFunc(next, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if !r.stopped {
			r.sendLocked(s, issue)
		}
	})
}

// stop cancels the refresh; the client calls it when it ends.
func (r *iceRefresher) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
	if r.timer != nil {
		r.timer.Stop()
	}
}
