package engine_test

import (
	"context"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/engine/probe"
	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/internal/testsignal"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/client"
	"github.com/parleyhq/parley/signaling/protocol"
	"github.com/parleyhq/parley/signaling/server"
)

// The tests capture at 320×240 and 15 fps: with -race on two shared cores,
// two VGA encoders and decoders at 30 fps per test would measure the
// machine, not the call.
const (
	testWidth, testHeight = 320, 240
	testFPS               = 15
)

// startServer runs the real signaling server on 127.0.0.1:0 and returns its
// ws:// URL.
func startServer(t testing.TB) string {
	t.Helper()
	return testsignal.Start(t, server.Config{}).URL()
}

// countingSignaling counts the offers an engine sends, to prove that
// device switches need no renegotiation.
type countingSignaling struct {
	*client.Client
	offers atomic.Int32
}

func (c *countingSignaling) Send(ctx context.Context, m *protocol.Message) error {
	if m.Type == protocol.TypeVideoOffer {
		c.offers.Add(1)
	}
	return c.Client.Send(ctx, m)
}

// peer is one engine on its own signaling connection, with everything it
// reported.
type peer struct {
	eng    *engine.Engine
	client *client.Client     // without peerOpts.session
	sig    *countingSignaling // without peerOpts.session
	sess   *client.Link       // with peerOpts.session
	video  probe.Video
	cancel context.CancelFunc
	done   chan error

	mu     sync.Mutex
	events []engine.Event
}

type peerOpts struct {
	name, camera, mic string
	autoAnswer        bool
	width, height     int           // capture size; 0 for testWidth×testHeight at testFPS
	answerTimeout     time.Duration // 0 for the engine's default
	log               *lockedLog    // if set, gets the engine's debug log
	// session connects through the signaling client's reconnecting
	// Session (client.ConnectOnline), so that the call survives the
	// server going away.
	session bool
}

// lockedLog collects log lines from any goroutine.
type lockedLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, string(p))
	return len(p), nil
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "")
}

func (o peerOpts) logger() *slog.Logger {
	if o.log == nil {
		return nil
	}
	return slog.New(slog.NewTextHandler(o.log, &slog.HandlerOptions{Level: slog.LevelDebug})).With("peer", o.name)
}

func newPeer(t testing.TB, url string, o peerOpts) *peer {
	t.Helper()
	testmedia.Register()
	var fps float64
	if o.width == 0 {
		o.width, o.height, fps = testWidth, testHeight, testFPS
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &peer{cancel: cancel, done: make(chan error, 1)}
	// One connection per peer: a plain client closed just before the
	// session registers may still hold the name on a busy server, and
	// the session then comes up as bob1.
	var sig engine.Signaling
	var err error
	if o.session {
		p.sess, err = client.ConnectOnline(ctx, client.LinkConfig{
			Config:     client.Config{URL: url, Name: o.name},
			MinBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond,
		})
		sig = p.sess
	} else {
		p.client, err = client.Dial(ctx, client.Config{URL: url, Name: o.name})
		p.sig = &countingSignaling{Client: p.client}
		sig = p.sig
	}
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	p.eng, err = engine.New(engine.Config{
		Devices:       engine.NewMediaDevices(media.VideoRequest{Width: o.width, Height: o.height, FPS: fps}, media.CodecConfig{}),
		Camera:        o.camera,
		Microphone:    o.mic,
		AutoAnswer:    o.autoAnswer,
		AnswerTimeout: o.answerTimeout,
		Logger:        o.logger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	p.eng.Subscribe(func(ev engine.Event) {
		p.mu.Lock()
		p.events = append(p.events, ev)
		p.mu.Unlock()
	})
	p.eng.Frames().Subscribe(&p.video)
	go func() { p.done <- p.eng.Run(ctx, sig) }()
	t.Cleanup(func() { p.stop(t) })
	// Run opens the devices before it reports the name. Waiting for that
	// keeps two engines from opening devices at once: app/media's device
	// listing races with another open (mediadevices' driver state is not
	// synchronised).
	eventually(t, o.name+" running", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return len(p.events) > 0
	})
	return p
}

// stop ends the engine and its connection and waits for both.
func (p *peer) stop(t testing.TB) {
	p.cancel()
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		buf := make([]byte, 4<<20)
		t.Errorf("engine did not stop:\n%s", buf[:runtime.Stack(buf, true)])
	}
	p.done <- nil // a second stop returns at once
	if p.sess != nil {
		_ = p.sess.Close()
	} else {
		_ = p.client.Close()
	}
}

// states returns the states reported so far, with end reasons.
func (p *peer) states() []engine.StateChanged {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []engine.StateChanged
	for _, ev := range p.events {
		if s, ok := ev.(engine.StateChanged); ok {
			out = append(out, s)
		}
	}
	return out
}

// errorCodes returns the codes of the error events reported so far.
func (p *peer) errorCodes() []engine.ErrorCode {
	var out []engine.ErrorCode
	for _, e := range p.errors() {
		out = append(out, e.Code)
	}
	return out
}

func (p *peer) errors() []*engine.Error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*engine.Error
	for _, ev := range p.events {
		if e, ok := ev.(*engine.Error); ok {
			out = append(out, e)
		}
	}
	return out
}

// reached reports whether the peer ever reported state s.
func (p *peer) reached(s engine.State) bool {
	for _, st := range p.states() {
		if st.State == s {
			return true
		}
	}
	return false
}

// endReason returns the reason of the last Ended state, if any.
func (p *peer) endReason() (string, bool) {
	var reason string
	found := false
	for _, st := range p.states() {
		if st.State == engine.Ended {
			reason, found = st.Reason, true
		}
	}
	return reason, found
}

func (p *peer) hasUser(name string) bool {
	return slices.Contains(p.users(), name)
}

// users is the list of users online as the peer's connection last heard.
func (p *peer) users() []string {
	if p.sess != nil {
		return p.sess.Users()
	}
	return p.client.Users()
}

// eventually polls cond until it holds or a generous deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	testwait.Until(t, what, 30*time.Second, cond)
}
