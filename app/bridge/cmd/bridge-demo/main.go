// Command bridge-demo starts a frame bridge and feeds it moving synthetic
// pictures, so that the frontend can be developed and tested against the
// real bridge without a camera or a call. It prints one JSON line with the
// bridge URL on stdout and runs until interrupted or until stdin closes
// (so a test that spawns it cannot leak it).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/parleyhq/parley/app/bridge"
	"github.com/parleyhq/parley/app/frames"
)

func main() {
	origins := flag.String("origins", strings.Join(bridge.DefaultOrigins, ","), "comma-separated Origin values allowed to connect")
	width := flag.Int("width", 1280, "remote stream width")
	height := flag.Int("height", 720, "remote stream height")
	localWidth := flag.Int("local-width", 320, "local (preview) stream width")
	localHeight := flag.Int("local-height", 180, "local (preview) stream height")
	fps := flag.Int("fps", 30, "frames per second for both streams")
	flag.Parse()
	if err := run(strings.Split(*origins, ","), [2]int{*width, *height}, [2]int{*localWidth, *localHeight}, *fps); err != nil {
		fmt.Fprintln(os.Stderr, "bridge-demo:", err)
		os.Exit(1)
	}
}

func run(origins []string, remoteSize, localSize [2]int, fps int) error {
	for _, sz := range [][2]int{remoteSize, localSize} {
		if w, h := sz[0], sz[1]; w < 2 || h < 2 || w > bridge.MaxDimension || h > bridge.MaxDimension || fps < 1 || fps > 240 {
			return fmt.Errorf("size %dx%d at %d fps is out of range", w, h, fps)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()

	b, err := bridge.New(bridge.Config{Origins: origins})
	if err != nil {
		return err
	}
	defer b.Close()
	if err := json.NewEncoder(os.Stdout).Encode(map[string]string{"url": b.URL()}); err != nil {
		return err
	}

	remote := newPattern(remoteSize[0], remoteSize[1])
	local := newPattern(localSize[0], localSize[1])
	tick := time.NewTicker(time.Second / time.Duration(fps))
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			for _, s := range []frames.Stream{frames.Remote, frames.Local} {
				st := b.Stats(s)
				fmt.Fprintf(os.Stderr, "%s: accepted %d sent %d dropped %d\n", s, st.Accepted, st.Sent, st.Dropped)
			}
			return nil
		case now := <-tick.C:
			b.WriteFrame(frames.Remote, remote.draw(n, now))
			b.WriteFrame(frames.Local, local.draw(n*2, now))
		}
	}
}

// pattern is a reused I420 frame: a luma gradient with a bright bar that
// sweeps across, and chroma that cycles through hues, so that any two frames
// a second apart differ visibly and none is black.
type pattern struct{ f frames.Frame }

func newPattern(w, h int) *pattern {
	cw, ch := (w+1)/2, (h+1)/2
	return &pattern{frames.Frame{Width: w, Height: h, Y: make([]byte, w*h), U: make([]byte, cw*ch), V: make([]byte, cw*ch)}}
}

func (p *pattern) draw(n int, now time.Time) *frames.Frame {
	f := &p.f
	bar := (n * 8) % f.Width
	for y := 0; y < f.Height; y++ {
		row := f.Y[y*f.Width : (y+1)*f.Width]
		for x := range row {
			v := 48 + (x+y)*140/(f.Width+f.Height)
			if d := x - bar; d >= 0 && d < f.Width/16+1 {
				v = 235
			}
			row[x] = byte(v)
		}
	}
	u, v := byte(128+int(100*wave(n, 0))), byte(128+int(100*wave(n, 90)))
	for i := range f.U {
		f.U[i], f.V[i] = u, v
	}
	f.Captured = now
	return f
}

// wave returns a triangle wave in [-1, 1] over frame n that completes a
// cycle every 120 frames, shifted by phase degrees: smooth enough for a test
// pattern, and simpler than a cosine.
func wave(n, phase int) float64 {
	deg := (n*3 + phase) % 360
	switch {
	case deg < 180:
		return 1 - float64(deg)/90
	default:
		return -1 + float64(deg-180)/90
	}
}
