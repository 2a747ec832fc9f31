package vp8_test

import (
	"errors"
	"image"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/stamp"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/media/vp8"
)

// encoded is a run of test-camera frames compressed by Parley's encoder,
// with the pictures they were made from.
type encoded struct {
	w, h   int
	t0     time.Time
	src    []*image.YCbCr
	frames [][]byte
}

// encodeClip encodes n frames of test camera B at w×h, 30 fps of simulated
// time; frame 0 is a keyframe and the rest are not.
func encodeClip(t testing.TB, w, h, n int) *encoded {
	t.Helper()
	g, err := testmedia.NewGenerator(testmedia.CameraBID, w, h)
	if err != nil {
		t.Fatal(err)
	}
	e := vp8.NewEncoder(30, vp8.Params{})
	defer e.Close()
	c := &encoded{w: w, h: h, t0: time.UnixMilli(1_795_000_000_000)}
	for i := 0; i < n; i++ {
		at := c.t0.Add(time.Duration(i) * time.Second / 30)
		img := g.Frame(uint32(i), at)
		out, key, err := e.EncodeAt(img, at)
		if err != nil {
			t.Fatalf("encode %d: %v", i, err)
		}
		if key != (i == 0) {
			t.Fatalf("frame %d: key=%v", i, key)
		}
		c.src = append(c.src, img)
		c.frames = append(c.frames, out)
	}
	return c
}

// check verifies decoded frame i of the clip: size, packed plane lengths,
// the stamp, and that every plane, including the last chroma column and
// row of an odd-sized picture, is close to the source.
func (c *encoded) check(t testing.TB, i int, f *frames.Frame) {
	t.Helper()
	if f == nil {
		t.Fatalf("frame %d: no picture", i)
	}
	w, h := c.w, c.h
	cw, ch := (w+1)/2, (h+1)/2
	if f.Width != w || f.Height != h || len(f.Y) != w*h || len(f.U) != cw*ch || len(f.V) != cw*ch {
		t.Fatalf("frame %d: %dx%d with planes %d/%d/%d, want %dx%d packed", i, f.Width, f.Height, len(f.Y), len(f.U), len(f.V), w, h)
	}
	want := stamp.Code{Camera: testmedia.CameraBID, Seq: uint32(i), CapturedMS: c.t0.Add(time.Duration(i) * time.Second / 30).UnixMilli()}
	if code, ok := stamp.Decode(f.Y, w, h, w); !ok || code != want {
		t.Fatalf("%dx%d frame %d: stamp %+v ok=%v, want %+v", w, h, i, code, ok, want)
	}
	src := c.src[i]
	planes := []struct {
		name          string
		got, want     []byte
		w, h, wstride int
	}{
		{"Y", f.Y, src.Y, w, h, src.YStride},
		{"U", f.U, src.Cb, cw, ch, src.CStride},
		{"V", f.V, src.Cr, cw, ch, src.CStride},
	}
	for _, p := range planes {
		all, lastCol, lastRow := 0, 0, 0
		for y := 0; y < p.h; y++ {
			for x := 0; x < p.w; x++ {
				d := int(p.got[y*p.w+x]) - int(p.want[y*p.wstride+x])
				if d < 0 {
					d = -d
				}
				all += d
				if x == p.w-1 {
					lastCol += d
				}
				if y == p.h-1 {
					lastRow += d
				}
			}
		}
		// Lossy coding at the starting bitrate differs by a few levels on
		// average; an unfilled edge (zeros) differs by about 128.
		if m := float64(all) / float64(p.w*p.h); m > 12 {
			t.Errorf("%dx%d frame %d: plane %s differs by %.1f on average", w, h, i, p.name, m)
		}
		if m := float64(lastCol) / float64(p.h); m > 24 {
			t.Errorf("%dx%d frame %d: plane %s last column differs by %.1f on average", w, h, i, p.name, m)
		}
		if m := float64(lastRow) / float64(p.w); m > 24 {
			t.Errorf("%dx%d frame %d: plane %s last row differs by %.1f on average", w, h, i, p.name, m)
		}
	}
}

func newParleyDecoder(t testing.TB) *vp8.Decoder {
	t.Helper()
	d, err := vp8.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// Parley's encoder's frames come back with their stamps and close to the
// source, at an even and at an odd size (full chroma, no green edge).
func TestDecoderRoundTrip(t *testing.T) {
	for _, sz := range [][2]int{{640, 480}, {321, 241}} {
		c := encodeClip(t, sz[0], sz[1], 20)
		d := newParleyDecoder(t)
		for i, fr := range c.frames {
			f, err := d.Decode(fr)
			if err != nil {
				t.Fatalf("%v frame %d: %v", sz, i, err)
			}
			c.check(t, i, f)
		}
	}
}

// The frame Decode returns lives in the decoder's buffer, which a picture
// of another size resizes without mixing up planes.
func TestDecoderSizeChanges(t *testing.T) {
	big, small := encodeClip(t, 640, 480, 3), encodeClip(t, 321, 241, 3)
	d := newParleyDecoder(t)
	for _, c := range []*encoded{big, small, big, small} {
		for i, fr := range c.frames {
			f, err := d.Decode(fr)
			if err != nil {
				t.Fatalf("%dx%d frame %d: %v", c.w, c.h, i, err)
			}
			c.check(t, i, f)
		}
	}
}

// Broken input gives a typed error and leaves the decoder able to start
// again from the next keyframe.
func TestDecoderBadInput(t *testing.T) {
	c := encodeClip(t, 640, 480, 4)
	key := c.frames[0]
	huge := append([]byte(nil), key...)
	huge[6], huge[7] = 0xff, 0x3f // 16383 wide
	garbage := make([]byte, 5000)
	for i := range garbage {
		garbage[i] = byte(i*7 + 3)
	}
	bad := []struct {
		name      string
		data      []byte
		wantLarge bool
	}{
		{"empty", nil, false},
		{"garbage", garbage, false},
		{"truncated header", key[:20], false},
		{"truncated keyframe", key[:len(key)/4], false},
		{"inter frame first", c.frames[1], false},
		{"huge keyframe", huge, true},
	}
	for _, b := range bad {
		d := newParleyDecoder(t)
		f, err := d.Decode(b.data)
		if !errors.Is(err, vp8.ErrDecode) || f != nil {
			t.Fatalf("%s: frame %v, error %v; want ErrDecode", b.name, f, err)
		}
		if errors.Is(err, vp8.ErrTooLarge) != b.wantLarge {
			t.Errorf("%s: %v: ErrTooLarge %v, want %v", b.name, err, !b.wantLarge, b.wantLarge)
		}
		for i, fr := range c.frames {
			f, err := d.Decode(fr)
			if err != nil {
				t.Fatalf("after %s: frame %d: %v", b.name, i, err)
			}
			c.check(t, i, f)
		}
	}
	// libvpx's own failures carry its message.
	d := newParleyDecoder(t)
	_, err := d.Decode(garbage)
	var ve *vp8.Error
	if !errors.As(err, &ve) || ve.Op != "decode" || ve.Msg == "" {
		t.Errorf("garbage: %v, want a libvpx *Error", err)
	}
}

func TestDecoderClose(t *testing.T) {
	c := encodeClip(t, 640, 480, 1)
	d, err := vp8.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	f, err := d.Decode(c.frames[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := d.Decode(c.frames[0]); !errors.Is(err, vp8.ErrClosed) {
		t.Fatalf("Decode after Close: %v, want ErrClosed", err)
	}
	// A frame decoded before Close is in Go memory and still readable.
	c.check(t, 0, f)
}

// Same-size pictures reuse the decoder's buffer: nothing is allocated per
// frame once it has one.
func TestDecoderReusesBuffer(t *testing.T) {
	c := encodeClip(t, 640, 480, 10)
	d := newParleyDecoder(t)
	first, err := d.Decode(c.frames[0])
	if err != nil {
		t.Fatal(err)
	}
	y0 := &first.Y[0]
	i := 1
	allocs := testing.AllocsPerRun(50, func() {
		f, err := d.Decode(c.frames[i%len(c.frames)]) // frame 0 is a keyframe, so cycling is valid
		if err != nil || f != first || &f.Y[0] != y0 {
			t.Fatalf("frame %d: %v, or a new buffer", i, err)
		}
		i++
	})
	if allocs > 1 {
		t.Errorf("%.1f allocations per frame", allocs)
	}
}

// FuzzDecode feeds arbitrary bytes to a decoder that has just decoded a
// valid keyframe, so inter-frame paths run against real references. Any
// input gives a picture that fits its stated size or an ErrDecode, and the
// decoder then decodes a keyframe again.
func FuzzDecode(f *testing.F) {
	c := encodeClip(f, 160, 120, 1)
	key := c.frames[0]
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := vp8.NewDecoder()
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if _, err := d.Decode(key); err != nil {
			t.Fatal(err)
		}
		fr, err := d.Decode(data)
		switch {
		case err != nil:
			if !errors.Is(err, vp8.ErrDecode) {
				t.Fatalf("error %v does not wrap ErrDecode", err)
			}
		case fr != nil:
			cw, ch := fr.ChromaSize()
			if fr.Width <= 0 || fr.Height <= 0 || fr.Width > vp8.MaxDecodeDimension || fr.Height > vp8.MaxDecodeDimension ||
				len(fr.Y) != fr.Width*fr.Height || len(fr.U) != cw*ch || len(fr.V) != cw*ch {
				t.Fatalf("picture %dx%d with planes %d/%d/%d", fr.Width, fr.Height, len(fr.Y), len(fr.U), len(fr.V))
			}
		}
		if fr, err := d.Decode(key); err != nil || fr == nil || fr.Width != 160 || fr.Height != 120 {
			t.Fatalf("keyframe after the input: %v", err)
		}
	})
}
