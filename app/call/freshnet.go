package call

import (
	"sync"

	"github.com/pion/transport/v5"
	"github.com/pion/transport/v5/stdnet"
)

// freshNet is the operating system's network as pion sees it (stdnet),
// except that it lists the interfaces anew every time it is asked. pion's
// own lists them once, when the ICE agent is made, and an ICE restart
// gathers candidates from that list: after the machine's address changed
// (a new lease, another access point) the restart would offer only the
// address it no longer has, and the call could not come back.
//
// One freshNet serves every PeerConnection of an API, from pion's
// goroutines, so refreshing and reading the list are serialised.
type freshNet struct {
	*stdnet.Net
	mu sync.Mutex
}

func newFreshNet() (*freshNet, error) {
	n, err := stdnet.NewNet()
	if err != nil {
		return nil, err
	}
	return &freshNet{Net: n}, nil
}

// Interfaces lists the interfaces and addresses the machine has now.
func (n *freshNet) Interfaces() ([]*transport.Interface, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.Net.UpdateInterfaces(); err != nil {
		return nil, err
	}
	return n.Net.Interfaces()
}

// InterfaceByIndex looks in the list the last Interfaces call made.
func (n *freshNet) InterfaceByIndex(index int) (*transport.Interface, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.Net.InterfaceByIndex(index)
}

// InterfaceByName looks in the list the last Interfaces call made.
func (n *freshNet) InterfaceByName(name string) (*transport.Interface, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.Net.InterfaceByName(name)
}
