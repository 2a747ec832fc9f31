package testmedia

import (
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/media/stamp"
	"github.com/parleyhq/parley/app/media/wav"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
)

func meanAbsDiff(a, b []byte) float64 {
	sum := 0
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d < 0 {
			d = -d
		}
		sum += d
	}
	return float64(sum) / float64(len(a))
}

func mean(p []byte) float64 {
	sum := 0
	for _, v := range p {
		sum += int(v)
	}
	return float64(sum) / float64(len(p))
}

// The two cameras look clearly different, their pictures move, and every
// frame carries its stamp.
func TestPatternsDifferMoveAndAreStamped(t *testing.T) {
	at := time.UnixMilli(1_795_000_000_000)
	ga, err := NewGenerator(CameraAID, 640, 480)
	if err != nil {
		t.Fatal(err)
	}
	gb, _ := NewGenerator(CameraBID, 640, 480)
	a0, a1 := ga.Frame(0, at), ga.Frame(1, at)
	b0 := gb.Frame(0, at)
	if d := meanAbsDiff(a0.Y, a1.Y); d < 5 {
		t.Errorf("camera A barely moves between frames: mean luma change %.1f", d)
	}
	if d := meanAbsDiff(a0.Y, b0.Y); d < 20 {
		t.Errorf("cameras A and B look alike: mean luma difference %.1f", d)
	}
	// A is warm (Cr high), B cool (Cb high).
	if mean(a0.Cr) <= mean(a0.Cb) || mean(b0.Cb) <= mean(b0.Cr) {
		t.Errorf("colours: A Cb %.0f Cr %.0f, B Cb %.0f Cr %.0f", mean(a0.Cb), mean(a0.Cr), mean(b0.Cb), mean(b0.Cr))
	}
	for _, c := range []struct {
		img *image.YCbCr
		id  uint8
		seq uint32
	}{{a0, CameraAID, 0}, {a1, CameraAID, 1}, {b0, CameraBID, 0}} {
		code, ok := stamp.Decode(c.img.Y, 640, 480, c.img.YStride)
		if want := (stamp.Code{Camera: c.id, Seq: c.seq, CapturedMS: at.UnixMilli()}); !ok || code != want {
			t.Errorf("stamp %+v ok=%v, want %+v", code, ok, want)
		}
	}
	if _, err := NewGenerator(9, 640, 480); err == nil {
		t.Error("generator for an unknown camera")
	}
	if _, err := NewGenerator(CameraAID, 100, 20); !errors.Is(err, errTooSmall) {
		t.Errorf("tiny frame: %v", err)
	}
}

// The camera driver respects the requested size and rate and ends with
// io.EOF when closed.
func TestCameraDriver(t *testing.T) {
	c := newCamera(CameraAID)
	if _, err := c.RecordRaw(prop.Media{}); !errors.Is(err, errNotOpen) {
		t.Errorf("record before open: %v", err)
	}
	if err := c.Open(); err != nil {
		t.Fatal(err)
	}
	r, err := c.RecordRaw(prop.Media{Video: prop.Video{Width: 1280, Height: 720, FrameRate: 30}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < 10; i++ {
		raw, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		if raw.Width != 1280 || raw.Height != 720 || raw.Format != frame.FormatI420 || len(raw.Data) != 1280*720*3/2 {
			t.Fatalf("frame %dx%d %s of %d bytes", raw.Width, raw.Height, raw.Format, len(raw.Data))
		}
		code, ok := stamp.Decode(raw.Data, 1280, 720, 1280)
		if !ok || code.Seq != uint32(i) || code.Camera != CameraAID {
			t.Fatalf("frame %d: stamp %+v ok=%v", i, code, ok)
		}
		// The stamp and the capture time are one clock reading.
		if code.CapturedMS != raw.Captured.UnixMilli() {
			t.Errorf("frame %d: stamp says %d ms, Captured %d ms", i, code.CapturedMS, raw.Captured.UnixMilli())
		}
	}
	// Ten frames at 30 fps need at least 9 intervals; no upper bound is
	// asserted, the machine may be busy.
	if el := time.Since(start); el < 9*time.Second/30-5*time.Millisecond {
		t.Errorf("10 frames in %v: not paced at 30 fps", el)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Read(); err != io.EOF {
		t.Errorf("read after close: %v", err)
	}
	sizes := map[[2]int]bool{}
	for _, p := range c.Properties() {
		if p.FrameRate == 30 {
			sizes[[2]int{p.Width, p.Height}] = true
		}
	}
	for _, s := range [][2]int{{640, 480}, {1280, 720}, {1920, 1080}} {
		if !sizes[s] {
			t.Errorf("properties lack %v at 30 fps", s)
		}
	}
}

// The tone is a 440 Hz sine of amplitude 0.25 at 48 kHz, continuous
// across chunks.
func TestTone(t *testing.T) {
	tn := &tone{}
	if err := tn.Open(); err != nil {
		t.Fatal(err)
	}
	p := tn.Properties()[0]
	r, err := tn.AudioRecord(p)
	if err != nil {
		t.Fatal(err)
	}
	var s []float32
	for i := 0; i < 10; i++ {
		c, _, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		f := c.(*wave.Float32Interleaved)
		if f.Size.Len != 960 || f.Size.Channels != 1 || f.Size.SamplingRate != 48000 {
			t.Fatalf("chunk %+v", f.Size)
		}
		s = append(s, f.Data...)
	}
	var peak float64
	crossings := 0
	for i := 1; i < len(s); i++ {
		peak = math.Max(peak, math.Abs(float64(s[i])))
		if s[i-1] < 0 && s[i] >= 0 {
			crossings++
		}
		// A continuous 440 Hz sine never jumps by more than 2π·440/48000·A.
		if d := math.Abs(float64(s[i] - s[i-1])); d > 2*math.Pi*ToneHz/ToneSampleRate*ToneAmplitude+1e-4 {
			t.Fatalf("discontinuity of %.4f at sample %d", d, i)
		}
	}
	if math.Abs(peak-ToneAmplitude) > 0.001 {
		t.Errorf("peak %.4f", peak)
	}
	// 0.2 s of 440 Hz: 88 upward crossings (±1 at the edges).
	if crossings < 87 || crossings > 89 {
		t.Errorf("%d upward zero crossings in 0.2 s, want 88", crossings)
	}
	tn.Close()
	if _, _, err := r.Read(); err != io.EOF {
		t.Errorf("read after close: %v", err)
	}
}

// BenchmarkFrame is what a test camera spends per frame (the texture is
// precomputed): what --fake-media costs the machine.
func BenchmarkFrame(b *testing.B) {
	for _, s := range [][2]int{{640, 480}, {1280, 720}, {1920, 1080}} {
		b.Run(fmt.Sprintf("%dx%d", s[0], s[1]), func(b *testing.B) {
			g, err := NewGenerator(CameraAID, s[0], s[1])
			if err != nil {
				b.Fatal(err)
			}
			at := time.Now()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				g.Frame(uint32(i), at)
			}
		})
	}
}

// The microphone file plays from StartMicFile, and MicFileCaptured says
// when its first chunk was handed on: the chunk that holds the file's
// start, no earlier than the start and no later than a chunk after it.
func TestMicFileCapturedWhereItStarts(t *testing.T) {
	dir := t.TempDir()
	pcm := make([]float32, 4*960)
	for i := range pcm {
		pcm[i] = 0.5
	}
	path := dir + "/m.wav"
	if err := writeTestWAV(path, pcm); err != nil {
		t.Fatal(err)
	}
	if err := SetMicFile(path); err != nil {
		t.Fatal(err)
	}
	defer func() { micFile.mu.Lock(); micFile.samples = nil; micFile.mu.Unlock() }()
	tn := &tone{}
	if err := tn.Open(); err != nil {
		t.Fatal(err)
	}
	defer tn.Close()
	r, err := tn.AudioRecord(tn.Properties()[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Read(); err != nil { // silence: not started
		t.Fatal(err)
	}
	if !MicFileCaptured().IsZero() {
		t.Fatal("captured before the file started")
	}
	start := time.Now()
	StartMicFile()
	c, _, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	at := MicFileCaptured()
	if got := c.(*wave.Float32Interleaved).Data[0]; got != 0.5 {
		t.Fatalf("first chunk after the start begins with %v, want the file's 0.5", got)
	}
	if at.Before(start) || at.Sub(start) > 2*toneChunk {
		t.Fatalf("captured %v after the start, want within a chunk", at.Sub(start))
	}
}

func writeTestWAV(path string, pcm []float32) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return wav.Write(f, pcm)
}
