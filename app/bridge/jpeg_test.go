package bridge

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/frames"
)

// flatFrame is a w×h picture of one limited-range colour.
func flatFrame(w, h int, y, u, v byte) *frames.Frame {
	cw, ch := (w+1)/2, (h+1)/2
	return &frames.Frame{Width: w, Height: h, Y: bytes.Repeat([]byte{y}, w*h), U: bytes.Repeat([]byte{u}, cw*ch), V: bytes.Repeat([]byte{v}, cw*ch)}
}

// limitedRGB converts a BT.601 limited-range sample to RGB, as the page's
// I420 shader does.
func limitedRGB(y, u, v byte) [3]float64 {
	Y := 1.16438 * (float64(y) - 16)
	U, V := float64(u)-128, float64(v)-128
	clamp := func(x float64) float64 { return min(255, max(0, x)) }
	return [3]float64{clamp(Y + 1.59603*V), clamp(Y - 0.39176*U - 0.81297*V), clamp(Y + 2.01723*U)}
}

func TestPageThatOffersJPEGGetsJPEG(t *testing.T) {
	b := newTestBridge(t)
	jp := connect(t, b)  // a page that draws JPEG
	raw := connect(t, b) // one that does not say so: I420 as before
	sendView(t, jp, `{"formats":["jpeg"]}`)
	sendView(t, jp, `{"stream":1,"width":640,"height":360}`)
	red := flatFrame(1280, 720, 81, 90, 240)
	feed(t, b, red)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	for {
		hdr, body := readFrame(t, ctx, jp)
		if hdr.Format != FormatJPEG || hdr.Stream != frames.Remote || hdr.Width != 640 {
			continue // frames sent before the page's messages applied
		}
		img, err := jpeg.Decode(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if got := img.Bounds(); got != image.Rect(0, 0, 640, 360) {
			t.Fatalf("JPEG is %v, header says 640x360", got)
		}
		r, g, bl, _ := img.At(320, 180).RGBA()
		want := limitedRGB(81, 90, 240)
		for i, got := range []uint32{r >> 8, g >> 8, bl >> 8} {
			if d := float64(got) - want[i]; d < -4 || d > 4 {
				t.Fatalf("pixel %v, want RGB %v: the JPEG's range is not the page's", color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}, want)
			}
		}
		break
	}
	// The other page still gets I420 planes at full size.
	hdr, body := readUntil(t, ctx, raw, frames.Remote, 1280, 720)
	if hdr.Format != FormatI420 || !bytes.Equal(body, planes(red)) {
		t.Fatalf("the I420 page got format %d, or other planes", hdr.Format)
	}

	// A page that takes the offer back gets I420 again.
	sendView(t, jp, `{"formats":[]}`)
	for {
		if hdr, _ := readFrame(t, ctx, jp); hdr.Format == FormatI420 {
			break
		}
	}
}
