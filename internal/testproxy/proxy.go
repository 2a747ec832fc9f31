// Package testproxy forwards TCP on loopback and breaks the forwarded
// links the ways networks break them, so that tests can show what clients
// and servers do about it with real sockets. It depends on nothing of
// Parley's, so that any package's tests can use it, the server's included.
package testproxy

import (
	"net"
	"sync"
	"testing"
)

// Proxy forwards TCP connections to a target and breaks them on demand.
// Cut resets the client side of every connection and leaves the server side
// open and silent, as when a laptop's address changes: the client sees its
// connection die while the server still holds it (and its name) until a
// ping fails. Freeze instead drops everything both ways and closes nothing:
// a link that silently stopped, which neither end sees without pings.
type Proxy struct {
	ln *net.TCPListener
	wg sync.WaitGroup

	mu      sync.Mutex
	frozen  bool
	clients []*net.TCPConn
	servers []net.Conn
}

// New listens on a free port of 127.0.0.1 and forwards every
// connection to target; the end of the test closes everything it opened
// and waits for its goroutines.
func New(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{ln: ln}
	p.wg.Add(1)
	go p.accept(target)
	t.Cleanup(func() {
		_ = ln.Close()
		p.mu.Lock()
		for _, c := range p.clients {
			_ = c.Close()
		}
		for _, s := range p.servers {
			_ = s.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *Proxy) accept(target string) {
	defer p.wg.Done()
	for {
		c, err := p.ln.AcceptTCP()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		p.clients, p.servers = append(p.clients, c), append(p.servers, s)
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(s, c)
		go p.pipe(c, s)
	}
}

// pipe copies until src fails. It never closes dst, so a cut client side
// leaves the server side open; while frozen it reads and drops.
func (p *Proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		p.mu.Lock()
		frozen := p.frozen
		p.mu.Unlock()
		if frozen {
			continue
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return
		}
	}
}

// Addr is the host:port clients connect to instead of the target.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// URL is the WebSocket URL of the target through the proxy.
func (p *Proxy) URL() string { return "ws://" + p.Addr() + "/" }

// Cut resets the client side of every open connection (RST, as when a
// laptop drops off the network) and leaves the server side open. The copy
// from the server then writes into a closed socket and stops. Connections
// made afterwards are forwarded as usual.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.clients {
		_ = c.SetLinger(0)
		_ = c.Close()
	}
	p.clients = nil
}

// Freeze drops everything from now on, both ways, on every connection.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	p.frozen = true
	p.mu.Unlock()
}

// Dialled is how many connections the proxy has made to the target: a
// client that reconnected after a Cut has made two.
func (p *Proxy) Dialled() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.servers)
}
