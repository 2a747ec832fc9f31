package engine

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/parleyhq/parley/signaling/client"
)

// SessionSignaling adapts the signaling client's reconnecting Session
// (backoff, resume tokens, pings) to Resumable: the engine gets the
// session's one Messages channel and its statuses as SignalingStatus.
// Connecting and Offline both read as SignalingReconnecting; Stopped ends
// the session's Messages channel, which ends Run. The session's Refresh
// makes it a Refresher: when a call's path stays dead through an ICE
// restart, the engine has it drop a server connection that a network
// change probably killed too, rather than wait for its pings.
type SessionSignaling struct {
	*client.Session
	status chan SignalingStatus
	notify chan struct{}
	online atomic.Uint64 // connections made, for the address watch

	mu     sync.Mutex
	latest SignalingStatus
}

var _ Refresher = (*SessionSignaling)(nil)

// ConnectSession starts a Session with cfg and returns once it is first
// online, so that the engine starts registered; it fails if the session
// stops first (a refused name or token) or ctx ends. cfg.OnStatus, if set,
// is still called. While it runs, the address the server connection went
// out from going away (another network, a new lease) refreshes the session
// at once.
func ConnectSession(ctx context.Context, cfg client.SessionConfig) (*SessionSignaling, error) {
	s := &SessionSignaling{status: make(chan SignalingStatus), notify: make(chan struct{}, 1)}
	first := make(chan error, 1)
	user := cfg.OnStatus
	cfg.OnStatus = func(st client.Status, err error) {
		if user != nil {
			user(st, err)
		}
		switch st {
		case client.Online:
			s.online.Add(1)
			s.set(SignalingOnline)
			select {
			case first <- nil:
			default:
			}
		case client.Stopped:
			if err == nil {
				err = errors.New("the signaling session stopped")
			}
			select {
			case first <- err:
			default:
			}
		default:
			s.set(SignalingReconnecting)
		}
	}
	sess, err := client.Connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s.Session = sess
	select {
	case err := <-first:
		if err != nil {
			_ = sess.Close()
			return nil, err
		}
	case <-ctx.Done():
		_ = sess.Close()
		return nil, ctx.Err()
	}
	go s.forward(SignalingOnline)
	go watchSource(s.Done(), addrPoll, s.online.Load, sourceFor(cfg.URL), machineAddrs, s.Refresh)
	return s, nil
}

// set records the newest status; OnStatus must not block, so a goroutine
// delivers it.
func (s *SessionSignaling) set(st SignalingStatus) {
	s.mu.Lock()
	s.latest = st
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// forward delivers status changes until the session is done. Statuses that
// change faster than the engine reads them are coalesced to the newest,
// which is all the engine acts on.
func (s *SessionSignaling) forward(sent SignalingStatus) {
	for {
		select {
		case <-s.Done():
			return
		case <-s.notify:
		}
		s.mu.Lock()
		st := s.latest
		s.mu.Unlock()
		if st == sent {
			continue
		}
		select {
		case s.status <- st:
			sent = st
		case <-s.Done():
			return
		}
	}
}

// Status implements Resumable.
func (s *SessionSignaling) Status() <-chan SignalingStatus { return s.status }
