package bridge

import (
	"context"
	"crypto/subtle"
	"net/http"

	"github.com/coder/websocket"
)

// serveFrames authenticates a page and then streams frames to it until the
// page or the bridge goes away. The handler goroutine is the connection's
// writer.
func (b *Bridge) serveFrames(w http.ResponseWriter, r *http.Request) {
	// The origin is checked first so that a foreign page learns nothing
	// about the token.
	if !b.origins[r.Header.Get("Origin")] {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	token := r.URL.Query().Get("token")
	if subtle.ConstantTimeCompare([]byte(token), []byte(b.token)) != 1 {
		http.Error(w, "missing or wrong token", http.StatusUnauthorized)
		return
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		http.Error(w, "bridge closed", http.StatusServiceUnavailable)
		return
	}
	b.wg.Add(1)
	b.mu.Unlock()
	defer b.wg.Done()

	// Origin is already verified above against exact values, which
	// websocket's host patterns cannot express (wails://wails has no port).
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return // Accept has answered the request
	}
	c := newConn(ws, b)
	b.mu.Lock()
	b.conns[c] = struct{}{}
	b.mu.Unlock()

	// The reader applies the page's view messages, answers pings and
	// notices when the page closes; either side ending ends both.
	ctx, cancel := context.WithCancel(b.ctx)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer cancel()
		_ = c.read(ctx)
	}()
	err = c.run(ctx)
	cancel()
	<-readDone

	b.mu.Lock()
	delete(b.conns, c)
	b.mu.Unlock()
	if err != nil {
		ws.CloseNow()
		return
	}
	ws.Close(websocket.StatusGoingAway, "bridge closing")
}
