//go:build linux

package mjpeg_test

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/media/mjpeg"
	"github.com/parleyhq/parley/app/media/stamp"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/media/v4l2"
	"github.com/parleyhq/parley/internal/psnr"
)

func decoder(t testing.TB) *mjpeg.Decoder {
	t.Helper()
	d, err := mjpeg.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

func webcamFrame(t testing.TB, w, h int, tables bool) []byte {
	t.Helper()
	b, err := testmedia.WebcamFrame(testmedia.CameraAID, v4l2.MJPEG, w, h, 7, tables, time.UnixMilli(1234))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A webcam's 4:2:2 frame decodes at its size, chroma averaged to 4:2:0,
// and agrees with Go's own decoder (of the same frame, tables added back)
// to within rounding.
func TestDecodesWebcamFrame(t *testing.T) {
	data := webcamFrame(t, 1280, 720, true)
	f, _, err := decoder(t).Decode(nil, data)
	if err != nil {
		t.Fatal(err)
	}
	if f.Width != 1280 || f.Height != 720 || !f.Whole() {
		t.Fatalf("decoded %dx%d whole %v", f.Width, f.Height, f.Whole())
	}
	if c, ok := stamp.Decode(f.Y, 1280, 720, 1280); !ok || c.Seq != 7 || c.CapturedMS != 1234 {
		t.Fatalf("stamp %+v %v", c, ok)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	ref := img.(*image.YCbCr)
	if ref.SubsampleRatio != image.YCbCrSubsampleRatio422 {
		t.Fatalf("the webcam sent %v, want 4:2:2", ref.SubsampleRatio)
	}
	if p := psnr.Of(ref.Y, f.Y); p < 45 {
		t.Fatalf("luma differs from Go's decoder: %.1f dB", p)
	}
	// Go's 4:2:2 chroma, rows averaged in pairs, is I420's.
	u := make([]byte, 640*360)
	for r := range 360 {
		for c := range 640 {
			u[r*640+c] = byte((int(ref.Cb[2*r*ref.CStride+c]) + int(ref.Cb[(2*r+1)*ref.CStride+c]) + 1) / 2)
		}
	}
	if p := psnr.Of(u, f.U); p < 40 {
		t.Fatalf("chroma differs from Go's decoder, averaged: %.1f dB", p)
	}
}

// Frames without Huffman tables, as most webcams send, decode the same as
// with them.
func TestDecodesWithoutHuffmanTables(t *testing.T) {
	with, without := webcamFrame(t, 1280, 720, true), webcamFrame(t, 1280, 720, false)
	if bytes.Contains(without, []byte{0xFF, 0xC4}) {
		t.Fatal("the frame still has a DHT segment")
	}
	d := decoder(t)
	a, _, err := d.Decode(nil, with)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := d.Decode(nil, without)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Y, b.Y) || !bytes.Equal(a.V, b.V) {
		t.Fatal("the frame without tables decodes differently")
	}
}

// 4:2:0 goes straight into the frame, and grey gets neutral chroma.
func TestDecodesOtherSubsamplings(t *testing.T) {
	src := image.NewYCbCr(image.Rect(0, 0, 320, 240), image.YCbCrSubsampleRatio420)
	for i := range src.Y {
		src.Y[i] = byte(i % 251)
	}
	for i := range src.Cb {
		src.Cb[i], src.Cr[i] = byte(i%200), byte(50+i%100)
	}
	gray := image.NewGray(src.Rect)
	copy(gray.Pix, src.Y)
	d := decoder(t)
	for _, c := range []struct {
		name string
		img  image.Image
	}{{"4:2:0", src}, {"grey", gray}} {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, c.img, &jpeg.Options{Quality: 95}); err != nil {
			t.Fatal(err)
		}
		f, _, err := d.Decode(nil, b.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if p := psnr.Of(src.Y, f.Y); p < 30 {
			t.Fatalf("%s: luma %.1f dB", c.name, p)
		}
		want := src.Cb
		if c.name == "grey" {
			want = bytes.Repeat([]byte{128}, len(f.U))
		}
		if p := psnr.Of(want, f.U); p < 30 {
			t.Fatalf("%s: chroma %.1f dB", c.name, p)
		}
	}
}

// A frame cut short, as a webcam's are when a USB packet is lost, or
// damaged, is refused with ErrCorrupt and never half decoded; the
// decoder goes on with the next good frame.
func TestRefusesDamagedFrames(t *testing.T) {
	good := webcamFrame(t, 1280, 720, false)
	d := decoder(t)
	cases := map[string][]byte{
		"empty":        nil,
		"not a JPEG":   []byte("not a jpeg frame at all"),
		"header only":  good[:600],
		"half":         good[:len(good)/2],
		"all but EOI":  good[:len(good)-2],
		"all but 10 B": good[:len(good)-10],
	}
	zeroed := bytes.Clone(good)
	clear(zeroed[len(zeroed)/3 : len(zeroed)/3+4000])
	cases["4 kB zeroed"] = zeroed
	for name, data := range cases {
		if _, _, err := d.Decode(nil, data); !errors.Is(err, mjpeg.ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrCorrupt", name, err)
		}
		if _, _, err := d.Decode(nil, good); err != nil {
			t.Fatalf("after %s, a good frame: %v", name, err)
		}
	}
}

func TestLiveCountsDecoders(t *testing.T) {
	before := mjpeg.Live()
	d, err := mjpeg.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	if mjpeg.Live() != before+1 {
		t.Fatal("a new decoder is not counted")
	}
	d.Close()
	d.Close()
	if mjpeg.Live() != before {
		t.Fatal("Close does not release the decoder, or twice releases it twice")
	}
	if _, _, err := d.Decode(nil, webcamFrame(t, 1280, 720, true)); err == nil {
		t.Fatal("a closed decoder decoded")
	}
}

// FuzzDecode feeds the decoder arbitrary frames: it returns a whole frame
// or an error, and never crashes.
func FuzzDecode(f *testing.F) {
	good := webcamFrame(f, 1280, 720, false)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(webcamFrame(f, 1280, 720, true)[:2000])
	var small bytes.Buffer
	_ = jpeg.Encode(&small, image.NewGray(image.Rect(0, 0, 16, 16)), nil)
	f.Add(small.Bytes())
	d := decoder(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, _, err := d.Decode(nil, data)
		if err != nil {
			if !errors.Is(err, mjpeg.ErrCorrupt) {
				t.Fatalf("error not ErrCorrupt: %v", err)
			}
			return
		}
		if !fr.Whole() || fr.Width > mjpeg.MaxDimension || fr.Height > mjpeg.MaxDimension {
			t.Fatalf("decoded a frame that is not whole: %dx%d", fr.Width, fr.Height)
		}
	})
}
