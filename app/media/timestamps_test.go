package media_test

import (
	"errors"
	"image"
	"io"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/stamp"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/pion/interceptor"
	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/opus"
	"github.com/pion/mediadevices/pkg/codec/vpx"
	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
)

// encodeDelays is how long each frame's encoding is held up, in turn: a loaded machine, where encoding one frame
// takes a few milliseconds or forty. On average it stays well inside a
// frame interval, so the camera keeps its pace.
var encodeDelays = []time.Duration{0, 25 * time.Millisecond, 5 * time.Millisecond, 40 * time.Millisecond, 0, 15 * time.Millisecond}

// slowEncoder delays every Read by the next of encodeDelays.
type slowEncoder struct {
	codec.ReadCloser
	n int
}

func (e *slowEncoder) Read() ([]byte, func(), error) {
	b, release, err := e.ReadCloser.Read()
	time.Sleep(encodeDelays[e.n%len(encodeDelays)])
	e.n++
	return b, release, err
}

type slowOpus struct{ opus.Params }

func (p *slowOpus) BuildAudioEncoder(r audio.Reader, m prop.Media) (codec.ReadCloser, error) {
	rc, err := p.Params.BuildAudioEncoder(r, m)
	if err != nil {
		return nil, err
	}
	return &slowEncoder{ReadCloser: rc}, nil
}

// recorder is a PeerConnection's side of a binding: it keeps every packet
// written and serves RTCP reads until closed.
type recorder struct {
	codec  webrtc.RTPCodecParameters
	closed chan struct{}
	mu     sync.Mutex
	pkts   []rtp.Packet
}

func newRecorder(c webrtc.RTPCodecParameters) *recorder {
	return &recorder{codec: c, closed: make(chan struct{})}
}

func (r *recorder) CodecParameters() []webrtc.RTPCodecParameters {
	return []webrtc.RTPCodecParameters{r.codec}
}
func (r *recorder) HeaderExtensions() []webrtc.RTPHeaderExtensionParameter { return nil }
func (r *recorder) SSRC() webrtc.SSRC                                      { return 1234 }
func (r *recorder) SSRCRetransmission() webrtc.SSRC                        { return 0 }
func (r *recorder) SSRCForwardErrorCorrection() webrtc.SSRC                { return 0 }
func (r *recorder) WriteStream() webrtc.TrackLocalWriter                   { return r }
func (r *recorder) ID() string                                             { return "recorder" }
func (r *recorder) RTCPReader() interceptor.RTCPReader                     { return r }

// Read implements interceptor.RTCPReader: no feedback, until closed.
func (r *recorder) Read([]byte, interceptor.Attributes) (int, interceptor.Attributes, error) {
	<-r.closed
	return 0, nil, io.EOF
}

func (r *recorder) WriteRTP(h *rtp.Header, payload []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pkts = append(r.pkts, rtp.Packet{Header: h.Clone(), Payload: append([]byte(nil), payload...)})
	return len(payload), nil
}

func (r *recorder) Write(b []byte) (int, error) {
	var p rtp.Packet
	if err := p.Unmarshal(b); err != nil {
		return 0, err
	}
	return r.WriteRTP(&p.Header, p.Payload)
}

func (r *recorder) packets() []rtp.Packet {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]rtp.Packet(nil), r.pkts...)
}

// markers counts completed video frames.
func (r *recorder) markers() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, p := range r.pkts {
		if p.Marker {
			n++
		}
	}
	return n
}

// record binds track to a recorder until cond holds, then unbinds it.
func record(t *testing.T, track webrtc.TrackLocal, c webrtc.RTPCodecParameters, what string, cond func(*recorder) bool) []rtp.Packet {
	t.Helper()
	r := newRecorder(c)
	defer close(r.closed)
	if _, err := track.Bind(r); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, what, 30*time.Second, func() bool { return cond(r) })
	if err := track.Unbind(r); err != nil {
		t.Fatal(err)
	}
	return r.packets()
}

// sentFrame is one video frame as sent: its RTP timestamp and the stamp
// the camera drew into it.
type sentFrame struct {
	ts   uint32
	code stamp.Code
}

// decodeSent rebuilds VP8 frames from packets written in order (nothing is
// lost on the way to a recorder), decodes them and reads their stamps.
func decodeSent(t *testing.T, pkts []rtp.Packet, w, h int) []sentFrame {
	t.Helper()
	next := make(chan []byte, 1)
	dec, err := vpx.NewDecoder(frameReader{func() ([]byte, error) { return <-next, nil }},
		prop.Media{Video: prop.Video{Width: w, Height: h}})
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	var out []sentFrame
	var frame []byte
	for _, p := range pkts {
		var vp codecs.VP8Packet
		payload, err := vp.Unmarshal(p.Payload)
		if err != nil {
			t.Fatalf("packet %d: %v", p.SequenceNumber, err)
		}
		frame = append(frame, payload...)
		if !p.Marker {
			continue
		}
		next <- frame
		frame = nil
		img, _, err := dec.Read()
		if err != nil {
			t.Fatalf("frame at RTP time %d: %v", p.Timestamp, err)
		}
		y := img.(*image.YCbCr)
		c, ok := stamp.Decode(y.Y, y.Rect.Dx(), y.Rect.Dy(), y.YStride)
		if !ok {
			t.Fatalf("frame at RTP time %d carries no stamp", p.Timestamp)
		}
		out = append(out, sentFrame{ts: p.Timestamp, code: c})
	}
	return out
}

// Every frame's RTP timestamp is its capture time on the 90 kHz clock,
// however long the frame took to encode: the time between two frames'
// timestamps is the time between the capture times stamped into their
// pictures. (mediadevices' own sender stamped the time between encoder
// outputs, so the encode delays above showed up as timestamp jitter of up
// to 40 ms.)
func TestVideoRTPTimestampsAreCaptureTimes(t *testing.T) {
	const w, h, frames = 320, 240, 45
	v, err := media.OpenVideo(media.VideoRequest{Camera: testmedia.CameraA, Width: w, Height: h})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	tr := sendingTrack(v)
	n := 0 // only the capture goroutine encodes
	media.SlowEncodes(tr, func() {
		time.Sleep(encodeDelays[n%len(encodeDelays)])
		n++
	})
	vp8Codec := webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
		PayloadType:        101,
	}
	pkts := record(t, tr, vp8Codec, "45 frames sent", func(r *recorder) bool { return r.markers() >= frames })
	for i, p := range pkts {
		if p.PayloadType != 101 || p.SSRC != 1234 {
			t.Fatalf("packet %d: payload type %d, SSRC %d; want the negotiated 101 and 1234", i, p.PayloadType, p.SSRC)
		}
		if i > 0 && p.SequenceNumber != pkts[i-1].SequenceNumber+1 {
			t.Fatalf("packet %d: sequence number %d after %d", i, p.SequenceNumber, pkts[i-1].SequenceNumber)
		}
	}
	sent := decodeSent(t, pkts, w, h)
	if len(sent) < frames {
		t.Fatalf("%d frames decoded, want %d", len(sent), frames)
	}
	first := sent[0]
	worst := 0.0
	for i, f := range sent[1:] {
		prev := sent[i]
		if f.code.Seq <= prev.code.Seq || int32(f.ts-prev.ts) <= 0 {
			t.Fatalf("frame %d: seq %d at RTP %d after seq %d at RTP %d", i+1, f.code.Seq, f.ts, prev.code.Seq, prev.ts)
		}
		// Stamps are whole milliseconds, so two of them differ from the
		// true interval by less than 1 ms; RTP ticks add 1/90 ms.
		rtpMS := float64(int32(f.ts-first.ts)) / 90
		capMS := float64(f.code.CapturedMS - first.code.CapturedMS)
		if d := rtpMS - capMS; d > 1.1 || d < -1.1 {
			t.Errorf("frame %d (seq %d): RTP time %.1f ms after the first frame, capture time %.0f ms (off by %.1f ms)",
				i+1, f.code.Seq, rtpMS, capMS, d)
		}
		worst = max(worst, rtpMS-capMS, capMS-rtpMS)
	}
	t.Logf("%d frames, largest gap between RTP time and capture time %.2f ms", len(sent), worst)
}

// Audio RTP timestamps follow the sample clock: every 20 ms Opus packet
// advances the timestamp by exactly 960 samples at 48 kHz, whatever the
// time between packets (the same encode delays as above).
func TestAudioRTPTimestampsCountSamples(t *testing.T) {
	const packets = 40
	params, _ := opus.NewParams()
	sel := mediadevices.NewCodecSelector(mediadevices.WithAudioEncoders(&slowOpus{Params: params}))
	a, err := media.OpenAudio(media.AudioRequest{Microphone: testmedia.Tone}, media.CodecsWithAudio(sel))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	opusCodec := webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2},
		PayloadType:        111,
	}
	pkts := record(t, a.Track(), opusCodec, "40 audio packets sent", func(r *recorder) bool { return len(r.packets()) >= packets })
	for i := 1; i < len(pkts); i++ {
		if step := pkts[i].Timestamp - pkts[i-1].Timestamp; step != 960 {
			t.Errorf("packet %d: timestamp advanced by %d, want 960 (20 ms at 48 kHz)", i, step)
		}
		if pkts[i].SequenceNumber != pkts[i-1].SequenceNumber+1 {
			t.Errorf("packet %d: sequence number %d after %d", i, pkts[i].SequenceNumber, pkts[i-1].SequenceNumber)
		}
	}
}

// Unbinding stops the encoder and leaves no goroutine behind once the
// PeerConnection side ends its RTCP; a second Unbind is harmless.
func TestVideoSenderUnbindsCleanly(t *testing.T) {
	base := runtime.NumGoroutine()
	v, err := media.OpenVideo(media.VideoRequest{Camera: testmedia.CameraB, Width: 320, Height: 240})
	if err != nil {
		t.Fatal(err)
	}
	vp8Codec := webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
		PayloadType:        96,
	}
	r := newRecorder(vp8Codec)
	tr := sendingTrack(v)
	if _, err := tr.Bind(r); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "3 frames sent", 30*time.Second, func() bool { return r.markers() >= 3 })
	if _, ok := tr.EncoderController().(codec.BitRateController); !ok {
		t.Errorf("bound track's controller %T is no BitRateController", tr.EncoderController())
	}
	if err := tr.Unbind(r); err != nil {
		t.Fatal(err)
	}
	sent := len(r.packets())
	if err := tr.Unbind(r); err != nil {
		t.Errorf("second Unbind: %v", err)
	}
	close(r.closed)
	if err := v.Close(); err != nil && !errors.Is(err, io.EOF) {
		t.Error(err)
	}
	if n := len(r.packets()); n != sent {
		t.Errorf("%d packets written after Unbind", n-sent)
	}
	testwait.Goroutines(t, base, 10*time.Second)
}

// A codec the camera's encoders cannot produce is refused with a typed
// error, and nothing is left bound.
func TestVideoSenderRefusesUnknownCodec(t *testing.T) {
	v, err := media.OpenVideo(media.VideoRequest{Camera: testmedia.CameraB, Width: 320, Height: 240})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	h264 := webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000},
		PayloadType:        102,
	}
	r := newRecorder(h264)
	defer close(r.closed)
	tr := sendingTrack(v)
	if _, err := tr.Bind(r); !errors.Is(err, media.ErrNoCaptureClock) {
		t.Errorf("Bind with H.264 only: %v, want ErrNoCaptureClock", err)
	}
	if err := tr.Unbind(r); err != nil {
		t.Errorf("Unbind after a failed Bind: %v", err)
	}
}
