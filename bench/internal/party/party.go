// Package party runs one Parley user in the benchmark's own process: the
// real engine (app/engine) with the stamping test cameras, connected to a
// real parley-signal. It records what the benchmark needs from the
// receiving side of the call — when the first remote picture was decoded,
// when the first full-width one was, and capture-to-decode latency from
// the stamps — which the headless binary's event lines do not carry.
package party

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/stamp"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/signaling/client"
)

// Config describes one party.
type Config struct {
	Server        string // ws:// URL of parley-signal
	Name          string
	Camera        string // a testmedia camera; "" for the default
	Width, Height int
	AutoAnswer    bool
}

// Party is a running Parley user.
type Party struct {
	eng    *engine.Engine
	cl     *client.Client
	cancel context.CancelFunc
	done   chan error
	width  int

	mu        sync.Mutex
	callAt    time.Time
	firstAt   time.Time
	fullResAt time.Time
	w, h      int
	frames    int
	lat       []sample
	states    []engine.State
}

// sample is one stamped remote picture: when it was decoded and how long
// after its capture.
type sample struct {
	at  time.Time
	lat time.Duration
}

// Start connects to the server and runs the engine until Close.
func Start(ctx context.Context, cfg Config) (*Party, error) {
	testmedia.Register()
	dialCtx, cancelDial := context.WithTimeout(ctx, 15*time.Second)
	cl, err := client.Dial(dialCtx, client.Config{URL: cfg.Server, Name: cfg.Name})
	cancelDial()
	if err != nil {
		return nil, fmt.Errorf("party %s: %w", cfg.Name, err)
	}
	eng, err := engine.New(engine.Config{
		Name:       cl.Name(),
		Devices:    engine.NewMediaDevices(media.VideoRequest{Width: cfg.Width, Height: cfg.Height}, media.CodecConfig{}),
		Camera:     cfg.Camera,
		AutoAnswer: cfg.AutoAnswer,
	})
	if err != nil {
		cl.Close()
		return nil, err
	}
	p := &Party{eng: eng, cl: cl, done: make(chan error, 1), width: cfg.Width}
	eng.Frames().Subscribe(frames.SinkFunc(p.onFrame))
	eng.Subscribe(func(ev engine.Event) {
		if sc, ok := ev.(engine.StateChanged); ok {
			p.mu.Lock()
			p.states = append(p.states, sc.State)
			p.mu.Unlock()
		}
	})
	runCtx, cancel := context.WithCancel(ctx)
	p.cancel = cancel
	go func() { p.done <- eng.Run(runCtx, cl) }()
	return p, nil
}

// Name is the name the server gave.
func (p *Party) Name() string { return p.cl.Name() }

func (p *Party) onFrame(s frames.Stream, f *frames.Frame) {
	if s != frames.Remote {
		return
	}
	now := time.Now()
	code, ok := stamp.Decode(f.Y, f.Width, f.Height, f.Width)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frames++
	p.w, p.h = f.Width, f.Height
	if p.firstAt.IsZero() {
		p.firstAt = now
	}
	if p.fullResAt.IsZero() && f.Width >= p.width {
		p.fullResAt = now
	}
	if ok {
		p.lat = append(p.lat, sample{now, now.Sub(code.Captured())})
	}
}

// Call waits until user is online, then calls them; the returned time is
// when the call was placed (the benchmark's start of call setup).
func (p *Party) Call(ctx context.Context, user string) (time.Time, error) {
	for !slices.Contains(p.cl.Users(), user) {
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("%s never came online: %w", user, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
	at := time.Now()
	p.mu.Lock()
	p.callAt = at
	p.mu.Unlock()
	return at, p.eng.Call(user)
}

// WaitFirstFrame waits for the first remote picture.
func (p *Party) WaitFirstFrame(ctx context.Context) (time.Time, error) {
	for {
		p.mu.Lock()
		at, ended := p.firstAt, slices.Contains(p.states, engine.Ended)
		p.mu.Unlock()
		if !at.IsZero() {
			return at, nil
		}
		if ended {
			return time.Time{}, errors.New("the call ended before any remote picture")
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("no remote picture: %w", ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Report is what the party saw of the remote video.
type Report struct {
	CallAt, FirstFrameAt, FullResAt time.Time
	Frames, Width, Height           int
	// LatenciesMS are capture-to-decode times of stamped pictures decoded
	// at or after from.
	LatenciesMS []float64
}

// Report returns the figures, keeping latencies of pictures decoded at or
// after from (to leave out the first seconds of a call).
func (p *Party) Report(from time.Time) Report {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := Report{CallAt: p.callAt, FirstFrameAt: p.firstAt, FullResAt: p.fullResAt, Frames: p.frames, Width: p.w, Height: p.h}
	for _, s := range p.lat {
		if !s.at.Before(from) {
			r.LatenciesMS = append(r.LatenciesMS, float64(s.lat.Microseconds())/1000)
		}
	}
	return r
}

// HangUp ends the call, if any.
func (p *Party) HangUp() { _ = p.eng.HangUp() }

// Close hangs up, stops the engine and disconnects, waiting for the
// engine's goroutine to return.
func (p *Party) Close() {
	p.HangUp()
	p.cancel()
	<-p.done
	p.cl.Close()
}
