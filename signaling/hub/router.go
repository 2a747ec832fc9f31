package hub

import "sync"

// Router delivers frames to registered names. It is the seam for clustering:
// LocalRouter knows the peers of this process; a distributed router (NATS,
// say) can resolve names held by other nodes and return a Peer that forwards
// to them, and sessions never notice the difference. Such a forwarding
// peer must honour Peer.SendOwned's contract too: copy or publish the
// frame's bytes, then release it.
type Router interface {
	// Bind makes p reachable as name, replacing nothing: the hub guarantees
	// names are unique before it binds them.
	Bind(name string, p Peer)
	// Unbind removes name if it is still bound to p.
	Unbind(name string, p Peer)
	// Lookup returns the peer registered as name.
	Lookup(name string) (Peer, bool)
	// Broadcast sends frame to every bound peer.
	Broadcast(frame []byte)
}

// LocalRouter is a Router for peers in this process.
type LocalRouter struct {
	mu    sync.RWMutex
	peers map[string]Peer
}

// NewLocalRouter returns an empty LocalRouter.
func NewLocalRouter() *LocalRouter {
	return &LocalRouter{peers: make(map[string]Peer)}
}

// Bind implements Router.
func (r *LocalRouter) Bind(name string, p Peer) {
	r.mu.Lock()
	r.peers[name] = p
	r.mu.Unlock()
}

// Unbind implements Router.
func (r *LocalRouter) Unbind(name string, p Peer) {
	r.mu.Lock()
	if r.peers[name] == p {
		delete(r.peers, name)
	}
	r.mu.Unlock()
}

// Lookup implements Router.
func (r *LocalRouter) Lookup(name string) (Peer, bool) {
	r.mu.RLock()
	p, ok := r.peers[name]
	r.mu.RUnlock()
	return p, ok
}

// Broadcast implements Router.
func (r *LocalRouter) Broadcast(frame []byte) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, p := range r.peers {
		p.Send(frame)
	}
}
