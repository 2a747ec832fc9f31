package vp8_test

import (
	"errors"
	"image"
	"io"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/stamp"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/media/vp8"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/vpx"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/webrtc/v4"
)

// frameReader hands the VP8 decoder one compressed frame per Read.
type frameReader struct{ frames chan []byte }

func (r *frameReader) Read(p []byte) (int, error) {
	f, ok := <-r.frames
	if !ok {
		return 0, io.EOF
	}
	if len(f) > len(p) {
		return 0, io.ErrShortBuffer
	}
	return copy(p, f), nil
}

// decoder wraps mediadevices' VP8 decoder for feeding frames one by one.
type decoder struct {
	in  *frameReader
	dec codec.VideoDecoder
}

func newDecoder(t testing.TB, w, h int) *decoder {
	in := &frameReader{frames: make(chan []byte, 1)}
	dec, err := vpx.NewDecoder(in, prop.Media{Video: prop.Video{Width: w, Height: h}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dec.Close() })
	return &decoder{in: in, dec: dec}
}

func (d *decoder) decode(t testing.TB, frame []byte) *image.YCbCr {
	d.in.frames <- frame
	img, _, err := d.dec.Read()
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return img.(*image.YCbCr)
}

// halve box-filters a luma plane to half size.
func halve(img *image.YCbCr) ([]byte, int, int) {
	w, h := img.Rect.Dx()/2, img.Rect.Dy()/2
	out := make([]byte, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r0, r1 := img.Y[2*y*img.YStride+2*x:], img.Y[(2*y+1)*img.YStride+2*x:]
			out[y*w+x] = byte((int(r0[0]) + int(r0[1]) + int(r1[0]) + int(r1[1]) + 2) / 4)
		}
	}
	return out, w, h
}

func isKey(frame []byte) bool { return len(frame) > 0 && frame[0]&1 == 0 }

// encodeRun encodes n test-camera frames at 30 fps of simulated time.
func encodeRun(t testing.TB, e *vp8.Encoder, g *testmedia.Generator, first, n int, t0 time.Time, each func(seq int, frame []byte, key bool)) {
	for i := first; i < first+n; i++ {
		at := t0.Add(time.Duration(i) * time.Second / 30)
		out, key, err := e.EncodeAt(g.Frame(uint32(i), at), at)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if len(out) == 0 {
			t.Fatalf("frame %d: no output", i)
		}
		each(i, out, key)
	}
}

// The encoder's frames decode with mediadevices' VP8 decoder, and the
// stamp survives, at 480p and 720p, at the starting bitrate and at the
// lowest bitrate congestion control uses.
func TestDecodableAndStampSurvives(t *testing.T) {
	for _, c := range []struct {
		w, h, bps int
	}{{640, 480, 0}, {1280, 720, 0}, {640, 480, 150_000}, {1280, 720, 150_000}} {
		g, err := testmedia.NewGenerator(testmedia.CameraBID, c.w, c.h)
		if err != nil {
			t.Fatal(err)
		}
		e := vp8.NewEncoder(30, vp8.Params{InitialBitrate: c.bps})
		d := newDecoder(t, c.w, c.h)
		t0 := time.UnixMilli(1_795_000_000_000)
		decoded := 0
		encodeRun(t, e, g, 0, 60, t0, func(seq int, frame []byte, key bool) {
			if seq == 0 && !key {
				t.Errorf("%dx%d: first frame is not a keyframe", c.w, c.h)
			}
			img := d.decode(t, frame)
			if img.Rect.Dx() != c.w || img.Rect.Dy() != c.h {
				t.Fatalf("decoded %v, want %dx%d", img.Rect, c.w, c.h)
			}
			code, ok := stamp.Decode(img.Y, c.w, c.h, img.YStride)
			want := stamp.Code{Camera: testmedia.CameraBID, Seq: uint32(seq), CapturedMS: t0.Add(time.Duration(seq) * time.Second / 30).UnixMilli()}
			if !ok || code != want {
				t.Errorf("%dx%d@%d: frame %d: stamp %+v ok=%v, want %+v", c.w, c.h, c.bps, seq, code, ok, want)
				return
			}
			// A receiver that shows the picture at half size reads it too.
			small, sw, sh := halve(img)
			if code, ok := stamp.Decode(small, sw, sh, sw); !ok || code != want {
				t.Errorf("%dx%d@%d: frame %d at half size: stamp %+v ok=%v", c.w, c.h, c.bps, seq, code, ok)
				return
			}
			decoded++
		})
		if decoded != 60 {
			t.Errorf("%dx%d@%d: %d of 60 stamps read", c.w, c.h, c.bps, decoded)
		}
		e.Close()
	}
}

func TestForceKeyFrame(t *testing.T) {
	g, _ := testmedia.NewGenerator(testmedia.CameraAID, 640, 480)
	e := vp8.NewEncoder(0, vp8.Params{})
	defer e.Close()
	t0 := time.Now()
	keys := 0
	encodeRun(t, e, g, 0, 20, t0, func(seq int, frame []byte, key bool) {
		if key != isKey(frame) {
			t.Fatalf("frame %d: libvpx says key=%v, payload header says %v", seq, key, isKey(frame))
		}
		if key {
			keys++
		}
	})
	if keys != 1 {
		t.Fatalf("%d keyframes in the first 20 frames, want only the first", keys)
	}
	if err := e.ForceKeyFrame(); err != nil {
		t.Fatal(err)
	}
	encodeRun(t, e, g, 20, 2, t0, func(seq int, frame []byte, key bool) {
		if want := seq == 20; isKey(frame) != want {
			t.Errorf("frame %d after ForceKeyFrame: key=%v, want %v", seq, isKey(frame), want)
		}
	})
}

// SetBitRate takes effect on a running encoder: a tenth of the rate gives
// much smaller frames.
func TestSetBitRate(t *testing.T) {
	g, _ := testmedia.NewGenerator(testmedia.CameraAID, 1280, 720)
	e := vp8.NewEncoder(0, vp8.Params{InitialBitrate: 2_000_000})
	defer e.Close()
	t0 := time.Now()
	size := func(first int) int {
		n := 0
		encodeRun(t, e, g, first, 60, t0, func(seq int, frame []byte, key bool) {
			if seq >= first+30 { // let rate control settle
				n += len(frame)
			}
		})
		return n
	}
	high := size(0)
	if err := e.SetBitRate(200_000); err != nil {
		t.Fatal(err)
	}
	if e.BitRate() != 200_000 {
		t.Fatalf("BitRate() = %d", e.BitRate())
	}
	low := size(60)
	// 30 frames = 1 s: bytes*8 is roughly the bitrate.
	t.Logf("2 Mbps: %d kbps measured; 200 kbps: %d kbps measured", high*8/1000, low*8/1000)
	if low*4 > high {
		t.Fatalf("after SetBitRate(200k) 30 frames took %d bytes, at 2M %d: not reduced enough", low, high)
	}
	if low*8 > 400_000 {
		t.Errorf("at 200 kbps, one second took %d bits", low*8)
	}
}

func TestBadInput(t *testing.T) {
	e := vp8.NewEncoder(0, vp8.Params{})
	if err := e.SetBitRate(0); !errors.Is(err, vp8.ErrBadBitrate) {
		t.Errorf("SetBitRate(0) = %v", err)
	}
	if err := e.SetBitRate(1); err != nil || e.BitRate() != vp8.MinBitrate {
		t.Errorf("SetBitRate(1) = %v, rate %d; want clamped to %d", err, e.BitRate(), vp8.MinBitrate)
	}
	tiny := image.NewYCbCr(image.Rect(0, 0, 1, 1), image.YCbCrSubsampleRatio420)
	if _, _, err := e.EncodeAt(tiny, time.Now()); !errors.Is(err, vp8.ErrNotI420) {
		t.Errorf("1x1 picture: %v", err)
	}
	e.Close()
	g, _ := testmedia.NewGenerator(testmedia.CameraAID, 320, 240)
	if _, _, err := e.EncodeAt(g.Frame(0, time.Now()), time.Now()); err != io.EOF {
		t.Errorf("encode after Close = %v, want io.EOF", err)
	}
}

// Encode takes packed I420 frames and follows a size change with a new
// keyframe; the encoder is the controller a PLI and congestion control
// reach.
func TestEncodeAndResize(t *testing.T) {
	ga, _ := testmedia.NewGenerator(testmedia.CameraAID, 640, 480)
	gb, _ := testmedia.NewGenerator(testmedia.CameraBID, 320, 240)
	e := vp8.NewEncoder(30, vp8.Params{})
	defer e.Close()
	if _, ok := any(e).(codec.KeyFrameController); !ok {
		t.Error("controller is not a KeyFrameController")
	}
	if _, ok := any(e).(codec.BitRateController); !ok {
		t.Error("controller is not a BitRateController")
	}
	var keys []bool
	for n := 1; n <= 5; n++ {
		g := ga
		if n > 3 {
			g = gb
		}
		out, err := e.Encode(frameOf(g.Frame(uint32(n), time.Now()), time.Now()))
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, isKey(out))
	}
	want := []bool{true, false, false, true, false}
	if len(keys) != len(want) {
		t.Fatalf("got %d frames, want %d", len(keys), len(want))
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Errorf("frame %d key=%v, want %v", i, keys[i], want[i])
		}
	}
	if got := e.BitRate(); got != vp8.BitrateFor(640, 480, 30) {
		t.Errorf("initial bitrate %d, want fitted %d", got, vp8.BitrateFor(640, 480, 30))
	}
	if _, err := e.Encode(&frames.Frame{Width: 4, Height: 4, Y: make([]byte, 3)}); !errors.Is(err, vp8.ErrNotI420) {
		t.Errorf("short planes: %v, want ErrNotI420", err)
	}
	e.Close()
	if _, err := e.Encode(frameOf(ga.Frame(9, time.Now()), time.Now())); err != io.EOF {
		t.Errorf("after Close: %v, want io.EOF", err)
	}
}

// frameOf packs img into a frames.Frame captured at at.
func frameOf(img *image.YCbCr, at time.Time) *frames.Frame {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	cw, ch := (w+1)/2, (h+1)/2
	f := &frames.Frame{Width: w, Height: h, Y: make([]byte, w*h), U: make([]byte, cw*ch), V: make([]byte, cw*ch), Captured: at}
	for y := range h {
		o := img.YOffset(img.Rect.Min.X, img.Rect.Min.Y+y)
		copy(f.Y[y*w:(y+1)*w], img.Y[o:o+w])
	}
	for y := range ch {
		o := img.COffset(img.Rect.Min.X, img.Rect.Min.Y+2*y)
		copy(f.U[y*cw:(y+1)*cw], img.Cb[o:o+cw])
		copy(f.V[y*cw:(y+1)*cw], img.Cr[o:o+cw])
	}
	return f
}

func TestRTPCodecFeedback(t *testing.T) {
	c := (&vp8.Params{}).RTPCodec()
	if c.MimeType != webrtc.MimeTypeVP8 || c.ClockRate != 90000 {
		t.Fatalf("codec %s/%d", c.MimeType, c.ClockRate)
	}
	want := map[string]bool{"goog-remb ": false, "ccm fir": false, "nack ": false, "nack pli": false, "transport-cc ": false}
	for _, fb := range c.RTCPFeedback {
		want[fb.Type+" "+fb.Parameter] = true
	}
	for k, ok := range want {
		if !ok {
			t.Errorf("missing RTCP feedback %q", k)
		}
	}
}

func TestBitrateFor(t *testing.T) {
	for _, c := range []struct {
		w, h int
		fps  float32
		want int
	}{
		{160, 120, 30, 300_000},
		{640, 480, 30, 800_000},
		{1280, 720, 30, 1_700_000},
		{1920, 1080, 30, 2_500_000},
		{3840, 2160, 30, 2_500_000},
		{1280, 720, 15, 850_000},
		{1280, 720, 5, 850_000},
		{1280, 720, 0, 1_700_000},
	} {
		if got := vp8.BitrateFor(c.w, c.h, c.fps); got != c.want {
			t.Errorf("BitrateFor(%d, %d, %g) = %d, want %d", c.w, c.h, c.fps, got, c.want)
		}
	}
	if mid := vp8.BitrateFor(960, 540, 30); mid <= 800_000 || mid >= 1_700_000 {
		t.Errorf("BitrateFor(960x540) = %d, want between the 480p and 720p rates", mid)
	}
}

func TestThreadsFor(t *testing.T) {
	for _, c := range []struct{ w, h, cpus, want int }{
		{640, 480, 8, 1},
		{1280, 720, 2, 1},
		{1280, 720, 4, 2},
		{1920, 1080, 4, 2},
		{1920, 1080, 8, 3},
	} {
		if got := vp8.ThreadsFor(c.w, c.h, c.cpus); got != c.want {
			t.Errorf("threadsFor(%d, %d, %d) = %d, want %d", c.w, c.h, c.cpus, got, c.want)
		}
	}
}
