package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/bench/internal/party"
)

// Call setup is timed on the caller, from placing the call (the click in
// the people list; Engine.Call for Parley) to the first remote picture
// (presented by the <video> element in Chromium; decoded into the engine's
// frames in Parley, which has no display in these cases). The callee
// accepts at once in every case.

const setupW, setupH = 1280, 720

// setupChromium is case (a): two Chromium pages of Parley's browser client.
func setupChromium(ctx context.Context, env *env, run int) (float64, error) {
	a, b := fmt.Sprintf("ca%d", run), fmt.Sprintf("cb%d", run)
	r, err := startChromium(ctx, env, chromiumConfig{
		Signal: env.signal.httpURL(), Pages: []pageSpec{{Name: a, Camera: 11, Call: b}, {Name: b, Camera: 12}},
		Width: setupW, Height: setupH, FPS: 30, Hold: 300, Timeout: 30000,
	})
	if err != nil {
		return 0, err
	}
	ev, err := r.next("result")
	werr := r.wait()
	if err != nil {
		return 0, err
	}
	if werr != nil {
		return 0, werr
	}
	caller := ev.Pages[0]
	if caller.ClickAt == 0 || caller.FirstFrameAt == 0 {
		return 0, fmt.Errorf("case a: no click or no frame recorded: %+v", caller)
	}
	return float64(caller.FirstFrameAt - caller.ClickAt), nil
}

// setupParleyChromium is case (b): Parley (in this process) calls a
// Chromium page.
func setupParleyChromium(ctx context.Context, env *env, run int) (float64, error) {
	page := fmt.Sprintf("cc%d", run)
	r, err := startChromium(ctx, env, chromiumConfig{
		Signal: env.signal.httpURL(), Pages: []pageSpec{{Name: page, Camera: 13}},
		Width: setupW, Height: setupH, FPS: 30, Hold: 300, Timeout: 30000,
	})
	if err != nil {
		return 0, err
	}
	ms, err := func() (float64, error) {
		ready, err := r.next("ready")
		if err != nil {
			return 0, err
		}
		p, err := party.Start(ctx, party.Config{Server: env.signal.wsURL(), Name: fmt.Sprintf("pb%d", run), Width: setupW, Height: setupH})
		if err != nil {
			return 0, err
		}
		defer p.Close()
		return timeCall(ctx, p, ready.Names[page], func() error { _, err := r.next("result"); return err })
	}()
	return ms, errors.Join(err, r.wait())
}

// setupParleyParley is case (c): two Parley engines in this process, each
// with its own test camera (one device cannot be opened twice).
func setupParleyParley(ctx context.Context, env *env, run int) (float64, error) {
	a, err := party.Start(ctx, party.Config{Server: env.signal.wsURL(), Name: fmt.Sprintf("pa%d", run), Camera: testmedia.CameraA, Width: setupW, Height: setupH})
	if err != nil {
		return 0, err
	}
	defer a.Close()
	b, err := party.Start(ctx, party.Config{Server: env.signal.wsURL(), Name: fmt.Sprintf("pc%d", run), Camera: testmedia.CameraB, Width: setupW, Height: setupH, AutoAnswer: true})
	if err != nil {
		return 0, err
	}
	defer b.Close()
	return timeCall(ctx, a, b.Name(), func() error {
		_, err := b.WaitFirstFrame(ctx)
		return err
	})
}

// timeCall has p call user and returns the time to p's first remote
// picture; then it waits for the peer side with peerDone.
func timeCall(ctx context.Context, p *party.Party, user string, peerDone func() error) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	at, err := p.Call(ctx, user)
	if err != nil {
		return 0, err
	}
	first, err := p.WaitFirstFrame(ctx)
	if err != nil {
		return 0, err
	}
	if err := peerDone(); err != nil {
		return 0, err
	}
	return float64(first.Sub(at).Microseconds()) / 1000, nil
}
