package media_test

import (
	"context"
	"errors"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/stamp"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/media/vp8"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/opus"
	"github.com/pion/webrtc/v4"
)

func init() { testmedia.Register() }

// waitFor polls cond until it holds or the generous deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	testwait.Until(t, what, 10*time.Second, cond)
}

func findDevice(devs []media.Device, name string) (media.Device, bool) {
	for _, d := range devs {
		if d.Name == name {
			return d, true
		}
	}
	return media.Device{}, false
}

func TestCamerasHaveStableNamesAndFormats(t *testing.T) {
	first, err := media.Cameras()
	if err != nil {
		t.Fatal(err)
	}
	again, _ := media.Cameras()
	if len(first) != len(again) {
		t.Fatalf("listed %d cameras, then %d", len(first), len(again))
	}
	for i := range first {
		if first[i].Name != again[i].Name {
			t.Errorf("camera %d: %q then %q", i, first[i].Name, again[i].Name)
		}
	}
	for _, name := range []string{testmedia.CameraA, testmedia.CameraB} {
		d, ok := findDevice(first, name)
		if !ok {
			t.Fatalf("%q not listed in %+v", name, first)
		}
		if d.Kind != media.Camera || d.Label != name {
			t.Errorf("%q: kind %q label %q", name, d.Kind, d.Label)
		}
		for _, want := range []media.Format{
			{Width: 640, Height: 480, FPS: 30, PixelFormat: "I420"},
			{Width: 1280, Height: 720, FPS: 30, PixelFormat: "I420"},
			{Width: 1920, Height: 1080, FPS: 30, PixelFormat: "I420"},
		} {
			found := false
			for _, f := range d.Formats {
				found = found || f == want
			}
			if !found {
				t.Errorf("%q lacks %+v: %+v", name, want, d.Formats)
			}
		}
	}
	defaults := 0
	for _, d := range first {
		if d.Default {
			defaults++
		}
	}
	if defaults != 1 || !first[0].Default {
		t.Errorf("want exactly the first camera default: %+v", first)
	}
	mics, _ := media.Microphones()
	if _, ok := findDevice(mics, testmedia.Tone); !ok {
		t.Errorf("%q not among microphones %+v", testmedia.Tone, mics)
	}
	for _, m := range mics {
		if strings.Contains(m.Name, "Discard all samples") {
			t.Errorf("ALSA's null device listed as a microphone: %q", m.Name)
		}
	}
}

func TestOpenVideoMeetsOrFallsBack(t *testing.T) {
	for _, c := range []struct {
		req          media.VideoRequest
		w, h         int
		fps          float32
		fallbackHint string // "" = no fallback expected
	}{
		{media.VideoRequest{Camera: testmedia.CameraA, Width: 1280, Height: 720, FPS: 30}, 1280, 720, 30, ""},
		{media.VideoRequest{Camera: testmedia.CameraA, Width: 640, Height: 480, FPS: 15}, 640, 480, 15, ""},
		{media.VideoRequest{Camera: testmedia.CameraA}, 1280, 720, 30, ""},
		{media.VideoRequest{Camera: testmedia.CameraA, Width: 800, Height: 600, FPS: 30}, 640, 480, 30, "800×600"},
		{media.VideoRequest{Camera: testmedia.CameraA, Width: 1280, Height: 720, FPS: 60}, 1280, 720, 30, "60 fps"},
		{media.VideoRequest{Camera: testmedia.CameraA, Width: 640, Height: 480, FPS: 30, PixelFormat: "MJPEG"}, 640, 480, 30, "MJPEG"},
	} {
		v, err := media.OpenVideo(c.req)
		if err != nil {
			t.Fatalf("%+v: %v", c.req, err)
		}
		s := v.Settings()
		if s.Width != c.w || s.Height != c.h || s.FPS != c.fps || s.Camera != testmedia.CameraA {
			t.Errorf("%+v: opened %+v", c.req, s)
		}
		switch {
		case c.fallbackHint == "" && s.Fallback != "":
			t.Errorf("%+v: unexpected fallback %q", c.req, s.Fallback)
		case c.fallbackHint != "" && !strings.Contains(s.Fallback, c.fallbackHint):
			t.Errorf("%+v: fallback %q does not mention %q", c.req, s.Fallback, c.fallbackHint)
		}
		if err := v.Close(); err != nil {
			t.Error(err)
		}
	}
}

func TestTypedErrors(t *testing.T) {
	_, err := media.OpenVideo(media.VideoRequest{Camera: "No Such Camera"})
	var de *media.DeviceError
	if !errors.Is(err, media.ErrNoCamera) || !errors.As(err, &de) || de.Device != "No Such Camera" || de.Kind != media.Camera {
		t.Fatalf("unknown camera: %#v", err)
	}
	if !strings.Contains(err.Error(), "No Such Camera") {
		t.Errorf("message %q does not name the camera", err)
	}
	_, err = media.OpenAudio(media.AudioRequest{Microphone: "No Such Mic"}, nil)
	if !errors.Is(err, media.ErrNoMicrophone) {
		t.Fatalf("unknown microphone: %v", err)
	}

	v, err := media.OpenVideo(media.VideoRequest{Camera: testmedia.CameraB, Width: 320, Height: 240})
	if err != nil {
		t.Fatal(err)
	}
	_, err = media.OpenVideo(media.VideoRequest{Camera: testmedia.CameraB})
	if !errors.Is(err, media.ErrDeviceBusy) {
		t.Errorf("second open: %v, want ErrDeviceBusy", err)
	}
	v.Close()
	v, err = media.OpenVideo(media.VideoRequest{Camera: testmedia.CameraB, Width: 320, Height: 240})
	if err != nil {
		t.Fatalf("reopen after Close: %v", err)
	}
	v.Close()
}

// stampSink collects the stamps of preview frames.
type stampSink struct {
	mu     sync.Mutex
	codes  []stamp.Code
	bad    int
	stream frames.Stream
	size   [2]int
}

func (s *stampSink) WriteFrame(st frames.Stream, f *frames.Frame) {
	c, ok := stamp.Decode(f.Y, f.Width, f.Height, f.Width)
	cw, ch := f.ChromaSize()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stream, s.size = st, [2]int{f.Width, f.Height}
	if !ok || len(f.Y) != f.Width*f.Height || len(f.U) != cw*ch || len(f.V) != cw*ch || f.Captured.IsZero() {
		s.bad++
		return
	}
	s.codes = append(s.codes, c)
}

func (s *stampSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.codes)
}

func TestPreviewDeliversStampedFrames(t *testing.T) {
	v, err := media.OpenVideo(media.VideoRequest{Camera: testmedia.CameraB, Width: 320, Height: 240})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	var sink stampSink
	stop := v.Subscribe(&sink)
	waitFor(t, "10 preview frames", func() bool { return sink.count() >= 10 })
	stop()
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if sink.bad > 0 || sink.stream != frames.Local || sink.size != [2]int{320, 240} {
		t.Errorf("bad frames %d, stream %v, size %v", sink.bad, sink.stream, sink.size)
	}
	for i, c := range sink.codes {
		if c.Camera != testmedia.CameraBID {
			t.Fatalf("frame %d from camera %d", i, c.Camera)
		}
		if i > 0 && c.Seq != sink.codes[i-1].Seq+1 {
			t.Errorf("frame %d: seq %d after %d", i, c.Seq, sink.codes[i-1].Seq)
		}
	}
}

// frameReader hands the VP8 decoder one compressed frame per Read.
type frameReader struct{ next func() ([]byte, error) }

func (r frameReader) Read(p []byte) (int, error) {
	b, err := r.next()
	if err != nil {
		return 0, err
	}
	return copy(p, b), nil
}

// The track encodes with Parley's VP8 encoder; what it sends decodes and
// carries camera A's stamps, while the preview keeps running.
func TestTrackEncodesDecodableVP8(t *testing.T) {
	v, err := media.OpenVideo(media.VideoRequest{Camera: testmedia.CameraA, Width: 640, Height: 480})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	var sink stampSink
	defer v.Subscribe(&sink)()
	tr := sendingTrack(v)
	vp8Codec := webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
		PayloadType:        96,
	}
	var ctl codec.EncoderController
	pkts := record(t, tr, vp8Codec, "15 frames sent", func(r *recorder) bool {
		ctl = tr.EncoderController()
		return r.markers() >= 15
	})
	if _, ok := ctl.(*vp8.Encoder); !ok {
		t.Fatalf("controller is %T, want *vp8.Encoder", ctl)
	}
	if _, ok := ctl.(codec.BitRateController); !ok {
		t.Fatal("no BitRateController")
	}
	sent := decodeSent(t, pkts, 640, 480)
	if len(sent) < 15 {
		t.Fatalf("%d frames decoded, want 15", len(sent))
	}
	var last uint32
	for i, f := range sent {
		if f.code.Camera != testmedia.CameraAID {
			t.Fatalf("decoded frame %d: stamp %+v", i, f.code)
		}
		if i > 0 && f.code.Seq <= last {
			t.Errorf("seq %d after %d", f.code.Seq, last)
		}
		last = f.code.Seq
	}
	if sink.count() == 0 {
		t.Error("preview got no frames while the track was being read")
	}
}

// tonePeriod estimates a tone's frequency from upward zero crossings.
func frequency(samples []float32, rate int) float64 {
	crossings, first, lastAt := 0, -1, 0
	for i := 1; i < len(samples); i++ {
		if samples[i-1] < 0 && samples[i] >= 0 {
			if first < 0 {
				first = i
			} else {
				crossings++
				lastAt = i
			}
		}
	}
	if crossings == 0 {
		return 0
	}
	return float64(crossings) * float64(rate) / float64(lastAt-first)
}

func TestAudioToneLevelAndMute(t *testing.T) {
	a, err := media.OpenAudio(media.AudioRequest{Microphone: testmedia.Tone}, media.NewCodecs(media.CodecConfig{}))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	waitFor(t, "a level from the tone", func() bool { return a.Level().Peak > 0.2 })
	if l := a.Level(); math.Abs(float64(l.Peak)-testmedia.ToneAmplitude) > 0.02 || math.Abs(float64(l.RMS)-testmedia.ToneAmplitude/math.Sqrt2) > 0.02 {
		t.Errorf("level %+v, want peak %.2f and RMS %.3f", l, testmedia.ToneAmplitude, testmedia.ToneAmplitude/math.Sqrt2)
	}

	enc, err := a.Track().(mediadevices.Track).NewEncodedReader("opus")
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	dec, err := opus.NewDecoderWithOutput(48000, 1)
	if err != nil {
		t.Fatal(err)
	}
	decode := func(n int) []float32 {
		var pcm []float32
		buf := make([]float32, 5760)
		for i := 0; i < n; i++ {
			b, release, err := enc.Read()
			if err != nil {
				t.Fatal(err)
			}
			k, err := dec.DecodeToFloat32(b.Data, buf)
			release()
			if err != nil {
				t.Fatal(err)
			}
			pcm = append(pcm, buf[:k]...)
		}
		return pcm
	}
	pcm := decode(25)[4800:] // skip the codec's start-up
	if f := frequency(pcm, 48000); math.Abs(f-testmedia.ToneHz) > 5 {
		t.Errorf("decoded tone at %.1f Hz, want %d", f, testmedia.ToneHz)
	}

	a.SetMuted(true)
	if !a.Muted() {
		t.Fatal("Muted() false after SetMuted(true)")
	}
	peakOf := func(pcm []float32) (p float64) {
		for _, s := range pcm {
			p = math.Max(p, math.Abs(float64(s)))
		}
		return p
	}
	// Audio captured before the mute may still be queued (up to the
	// broadcaster's 32 chunks); silence must follow it.
	silent := false
	for i := 0; i < 64 && !silent; i++ {
		silent = peakOf(decode(1)) < 0.01
	}
	if !silent {
		t.Fatal("no silence within 64 packets of muting")
	}
	if p := peakOf(decode(10)); p > 0.01 {
		t.Errorf("muted audio peaks at %.3f", p)
	}
	if a.Level().Peak < 0.2 {
		t.Errorf("level while muted %+v: the meter should still show the microphone", a.Level())
	}
}

func TestWatchReportsDevicesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := media.Watch(ctx, 20*time.Millisecond)
	devs, ok := <-ch
	if !ok {
		t.Fatal("closed before the first report")
	}
	if _, ok := findDevice(devs, testmedia.CameraA); !ok {
		t.Errorf("first report lacks camera A: %+v", devs)
	}
	if _, ok := findDevice(devs, testmedia.Tone); !ok {
		t.Errorf("first report lacks the tone: %+v", devs)
	}
	cancel()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("Watch did not close its channel after cancel")
		}
	}
}

// Opening, previewing, encoding and closing leaves no goroutine behind.
func TestNoGoroutineLeftAfterClose(t *testing.T) {
	before := runtime.NumGoroutine()
	v, err := media.OpenVideo(media.VideoRequest{Camera: testmedia.CameraA, Width: 320, Height: 240})
	if err != nil {
		t.Fatal(err)
	}
	a, err := media.OpenAudio(media.AudioRequest{Microphone: testmedia.Tone}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var sink stampSink
	stop := v.Subscribe(&sink)
	waitFor(t, "preview frames", func() bool { return sink.count() >= 3 })
	r := newRecorder(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
		PayloadType:        96,
	})
	tr := sendingTrack(v)
	if _, err := tr.Bind(r); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a frame sent", func() bool { return r.markers() >= 1 })
	stop()
	if err := v.Close(); err != nil {
		t.Error(err)
	}
	// A closed camera sends nothing more; Unbind then ends the binding
	// and its encoder.
	closed := len(r.packets())
	time.Sleep(200 * time.Millisecond) // six frames' time at 30 fps
	if n := len(r.packets()); n != closed {
		t.Errorf("%d packets sent after the camera closed", n-closed)
	}
	if err := tr.Unbind(r); err != nil {
		t.Error(err)
	}
	sent := len(r.packets())
	close(r.closed)
	if err := a.Close(); err != nil {
		t.Error(err)
	}
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
	if n := len(r.packets()); n != sent {
		t.Errorf("%d packets sent after the camera closed", n-sent)
	}
}

// The device watcher lists (and so briefly opens) devices while the user
// opens and closes them; neither may make the other fail.
func TestWatchWhileOpening(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := media.Watch(ctx, time.Millisecond)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for range ch {
		}
	}()
	for i := 0; i < 20; i++ {
		v, err := media.OpenVideo(media.VideoRequest{Camera: testmedia.CameraA, Width: 320, Height: 240})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if _, err := media.Cameras(); err != nil {
			t.Fatal(err)
		}
		if err := v.Close(); err != nil {
			t.Fatalf("close %d: %v", i, err)
		}
	}
	cancel()
	<-drained
}

// A sink may stop its own preview from inside WriteFrame.
func TestPreviewStopFromSink(t *testing.T) {
	v, err := media.OpenVideo(media.VideoRequest{Camera: testmedia.CameraA, Width: 320, Height: 240})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	var (
		mu   sync.Mutex
		n    int
		stop func()
	)
	got := make(chan struct{})
	mu.Lock()
	stop = v.Subscribe(frames.SinkFunc(func(frames.Stream, *frames.Frame) {
		mu.Lock()
		defer mu.Unlock()
		n++
		if n == 1 {
			stop()
			close(got)
		}
	}))
	mu.Unlock()
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("no frame")
	}
	time.Sleep(200 * time.Millisecond) // frames that would wrongly still arrive
	mu.Lock()
	defer mu.Unlock()
	if n != 1 {
		t.Errorf("sink called %d times after stopping itself", n)
	}
}
