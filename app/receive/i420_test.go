package receive

import (
	"context"
	"image"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/frames"
)

func TestPackI420CopiesStridedSubImage(t *testing.T) {
	full := image.NewYCbCr(image.Rect(0, 0, 8, 6), image.YCbCrSubsampleRatio420)
	for i := range full.Y {
		full.Y[i] = byte(i)
	}
	for i := range full.Cb {
		full.Cb[i], full.Cr[i] = byte(100+i), byte(200+i)
	}
	sub := full.SubImage(image.Rect(2, 2, 6, 6)).(*image.YCbCr) // 4x4 at (2,2)
	var f frames.Frame
	var buf []byte
	if !packI420(&f, sub, &buf) {
		t.Fatal("4:2:0 image refused")
	}
	if f.Width != 4 || f.Height != 4 || len(f.Y) != 16 || len(f.U) != 4 || len(f.V) != 4 {
		t.Fatalf("frame %dx%d planes %d/%d/%d", f.Width, f.Height, len(f.Y), len(f.U), len(f.V))
	}
	if f.Y[0] != full.Y[2*8+2] || f.Y[15] != full.Y[5*8+5] {
		t.Fatalf("luma corners %d %d, want %d %d", f.Y[0], f.Y[15], full.Y[2*8+2], full.Y[5*8+5])
	}
	if f.U[0] != full.Cb[1*4+1] || f.V[3] != full.Cr[2*4+2] {
		t.Fatalf("chroma %d %d, want %d %d", f.U[0], f.V[3], full.Cb[1*4+1], full.Cr[2*4+2])
	}
	// A packed picture is passed through without copying.
	var g frames.Frame
	packI420(&g, full, &buf)
	if &g.Y[0] != &full.Y[0] {
		t.Error("packed picture was copied")
	}
	if packI420(&g, image.NewYCbCr(image.Rect(0, 0, 4, 4), image.YCbCrSubsampleRatio444), &buf) {
		t.Error("4:4:4 picture accepted")
	}
}

// An odd-sized stream must come out without the decoder's green edge.
func TestVideoOddSizeHasNoGreenEdge(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tr := newChanTrack(0)
	snd := newVP8Sender(t, 161, 121)
	var last frames.Frame
	sink := frames.SinkFunc(func(_ frames.Stream, f *frames.Frame) {
		last = frames.Frame{Width: f.Width, Height: f.Height, U: append([]byte(nil), f.U...)}
	})
	r, wait := runVideo(t, ctx, tr, VideoConfig{Sink: sink})
	if err := stream(ctx, tr, snd, 5, nil); err != nil {
		t.Fatal(err)
	}
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if st := r.Stats(); st.FramesDecoded == 0 {
		t.Fatal("nothing decoded")
	}
	if last.Width != 161 || last.Height != 121 {
		t.Fatalf("size %dx%d", last.Width, last.Height)
	}
	cw, ch := last.ChromaSize()
	// The sender's chroma is flat (128 + frame index); zero means unfilled.
	if c := last.U[cw-1]; c < 100 {
		t.Errorf("last chroma column is %d", c)
	}
	if c := last.U[(ch-1)*cw]; c < 100 {
		t.Errorf("last chroma row is %d", c)
	}
}
