package call

import (
	"image"
	"io"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/codec/opus"
	"github.com/pion/mediadevices/pkg/codec/vpx"
	"github.com/pion/mediadevices/pkg/wave"
)

// The call tests need two independent senders in one process, which
// mediadevices' single registered test driver cannot give, so they build
// tracks from small sources of their own. Decoding is not this package's
// business (app/receive's), so the tests only count RTP.

// paced returns a function that sleeps until the next tick of period.
func paced(period time.Duration) func() {
	next := time.Now()
	return func() {
		next = next.Add(period)
		time.Sleep(time.Until(next))
	}
}

type testVideo struct {
	id     string
	luma   uint8
	wait   func()
	once   sync.Once
	closed chan struct{}
}

func (v *testVideo) ID() string { return v.id }
func (v *testVideo) Close() error {
	v.once.Do(func() { close(v.closed) })
	return nil
}

func (v *testVideo) Read() (image.Image, func(), error) {
	select {
	case <-v.closed:
		return nil, func() {}, io.EOF
	default:
	}
	v.wait()
	img := image.NewYCbCr(image.Rect(0, 0, 320, 240), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = v.luma + uint8(i%7)
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = 128, 128
	}
	return img, func() {}, nil
}

type testAudio struct {
	id     string
	wait   func()
	n      int
	once   sync.Once
	closed chan struct{}
}

func (a *testAudio) ID() string { return a.id }
func (a *testAudio) Close() error {
	a.once.Do(func() { close(a.closed) })
	return nil
}

func (a *testAudio) Read() (wave.Audio, func(), error) {
	select {
	case <-a.closed:
		return nil, func() {}, io.EOF
	default:
	}
	a.wait()
	chunk := wave.NewInt16Interleaved(wave.ChunkInfo{Len: 960, Channels: 1, SamplingRate: 48000})
	for i := range chunk.Data {
		chunk.Data[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(a.n)/48000))
		a.n++
	}
	return chunk, func() {}, nil
}

func testSelector(t *testing.T) *mediadevices.CodecSelector {
	t.Helper()
	vp8, err := vpx.NewVP8Params()
	if err != nil {
		t.Fatal(err)
	}
	vp8.BitRate = 400_000
	op, err := opus.NewParams()
	if err != nil {
		t.Fatal(err)
	}
	return mediadevices.NewCodecSelector(mediadevices.WithVideoEncoders(&vp8), mediadevices.WithAudioEncoders(&op))
}

func newVideoTrack(t *testing.T, sel *mediadevices.CodecSelector, id string, luma uint8) mediadevices.Track {
	t.Helper()
	tr := mediadevices.NewVideoTrack(&testVideo{id: id, luma: luma, wait: paced(time.Second / 30), closed: make(chan struct{})}, sel)
	t.Cleanup(func() { _ = tr.Close() })
	return tr
}

func newAudioTrack(t *testing.T, sel *mediadevices.CodecSelector, id string) mediadevices.Track {
	t.Helper()
	tr := mediadevices.NewAudioTrack(&testAudio{id: id, wait: paced(20 * time.Millisecond), closed: make(chan struct{})}, sel)
	t.Cleanup(func() { _ = tr.Close() })
	return tr
}
