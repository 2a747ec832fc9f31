package vp8_test

import (
	"errors"
	"image"
	"io"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/media/captured"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/media/vp8"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

// A picture's capture time survives the encoder: Captured reports it for
// the frame Read returned, however long encoding took and however
// irregular the capture times are; a plain picture counts as captured when
// Read got it. A picture that is nothing at all is a typed error.
func TestCaptureTimePassesThroughEncoder(t *testing.T) {
	g, _ := testmedia.NewGenerator(testmedia.CameraAID, 320, 240)
	t0 := time.Now().Add(-time.Hour) // far from now: cannot be mistaken for it
	at := []time.Time{t0, t0.Add(33 * time.Millisecond), t0.Add(100 * time.Millisecond), t0.Add(101 * time.Millisecond)}
	n := 0
	src := video.ReaderFunc(func() (image.Image, func(), error) {
		defer func() { n++ }()
		switch {
		case n < len(at):
			return &captured.Picture{YCbCr: g.Frame(uint32(n), at[n]), Captured: at[n]}, func() {}, nil
		case n == len(at):
			return g.Frame(uint32(n), time.Now()), func() {}, nil
		case n == len(at)+1:
			return nil, func() {}, nil
		}
		return nil, func() {}, io.EOF
	})
	e := vp8.NewEncoder(src, prop.Media{Video: prop.Video{FrameRate: 30}}, vp8.Params{})
	defer e.Close()
	if !e.Captured().IsZero() {
		t.Errorf("Captured before any frame = %v, want zero", e.Captured())
	}
	for i, want := range at {
		if _, _, err := e.Read(); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if got := e.Captured(); !got.Equal(want) {
			t.Errorf("frame %d: Captured %v, want %v", i, got.Sub(t0), want.Sub(t0))
		}
	}
	before := time.Now()
	if _, _, err := e.Read(); err != nil {
		t.Fatal(err)
	}
	if got := e.Captured(); got.Before(before) || got.After(time.Now()) {
		t.Errorf("plain picture: Captured %v, want between %v and now", got, before)
	}
	if _, _, err := e.Read(); !errors.Is(err, vp8.ErrNotI420) {
		t.Errorf("nil picture: %v, want ErrNotI420", err)
	}
	if _, _, err := e.Read(); err != io.EOF {
		t.Errorf("after the source ended: %v, want io.EOF", err)
	}
}
