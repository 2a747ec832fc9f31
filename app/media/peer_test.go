package media_test

import (
	"errors"
	"image"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/stamp"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/pion/interceptor"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/vpx"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/rtcp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/samplebuilder"
)

func newPeer(t *testing.T, sel interface{ Populate(*webrtc.MediaEngine) }) *webrtc.PeerConnection {
	t.Helper()
	me := &webrtc.MediaEngine{}
	if sel != nil {
		sel.Populate(me)
	} else if err := me.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(me, ir); err != nil {
		t.Fatal(err)
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	pc, err := webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se)).
		NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc
}

func connect(t *testing.T, offerer, answerer *webrtc.PeerConnection) string {
	t.Helper()
	offer, err := offerer.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(offerer)
	if err := offerer.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	if err := answerer.SetRemoteDescription(*offerer.LocalDescription()); err != nil {
		t.Fatal(err)
	}
	answer, err := answerer.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered = webrtc.GatheringCompletePromise(answerer)
	if err := answerer.SetLocalDescription(answer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	if err := offerer.SetRemoteDescription(*answerer.LocalDescription()); err != nil {
		t.Fatal(err)
	}
	return offerer.LocalDescription().SDP
}

// chanReader hands the VP8 decoder one rebuilt frame per Read.
type chanReader chan []byte

func (c chanReader) Read(p []byte) (int, error) {
	b, ok := <-c
	if !ok {
		return 0, io.EOF
	}
	if len(b) > len(p) {
		return 0, io.ErrShortBuffer
	}
	return copy(p, b), nil
}

// A camera track sent over a real PeerConnection pair on loopback UDP
// arrives as decodable VP8 with the camera's stamps; the SDP carries the
// RTCP feedback browsers need; the encoder controller is Parley's, and
// the preview keeps running while the track is bound.
func TestTrackOverPeerConnection(t *testing.T) {
	sel := media.NewCodecs(media.CodecConfig{})
	v, err := media.OpenVideo(media.VideoRequest{Camera: testmedia.CameraB, Width: 640, Height: 480})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	var preview stampSink
	defer v.Subscribe(&preview)()
	tr := media.NewVideoTrack(sel, 30)
	tr.SetSource(v)

	send, recv := newPeer(t, sel), newPeer(t, nil)
	if _, err := send.AddTrack(tr); err != nil {
		t.Fatal(err)
	}
	if _, err := recv.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
		t.Fatal(err)
	}

	var (
		mu           sync.Mutex
		codes        []stamp.Code
		decodeErrors int
		done         = make(chan struct{})
	)
	recv.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		frames := make(chanReader, 8)
		dec, err := vpx.NewDecoder(frames, prop.Media{Video: prop.Video{Width: 640, Height: 480}})
		if err != nil {
			t.Error(err)
			return
		}
		// Like a browser, ask for a keyframe until one decodes: under load
		// the first one can arrive damaged.
		decoded := make(chan struct{})
		go func() {
			tick := time.NewTicker(500 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-decoded:
					return
				case <-tick.C:
					_ = recv.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(tr.SSRC())}})
				}
			}
		}()
		go func() {
			defer dec.Close()
			first := true
			for {
				img, _, err := dec.Read()
				if errors.Is(err, io.EOF) {
					return
				}
				if err != nil {
					mu.Lock()
					decodeErrors++
					mu.Unlock()
					continue // a damaged or keyframe-less start; the PLI fixes it
				}
				if first {
					close(decoded)
					first = false
				}
				y := img.(*image.YCbCr)
				if c, ok := stamp.Decode(y.Y, y.Rect.Dx(), y.Rect.Dy(), y.YStride); ok {
					mu.Lock()
					codes = append(codes, c)
					if len(codes) == 20 {
						close(done)
					}
					mu.Unlock()
				}
			}
		}()
		sb := samplebuilder.New(64, &codecs.VP8Packet{}, tr.Codec().ClockRate)
		defer close(frames)
		for {
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			sb.Push(pkt)
			for s := sb.Pop(); s != nil; s = sb.Pop() {
				frames <- s.Data
			}
		}
	})
	sdp := connect(t, send, recv)
	for _, fb := range []string{"nack pli", "ccm fir", "transport-cc", "goog-remb"} {
		if !strings.Contains(sdp, fb) {
			t.Errorf("offer lacks a=rtcp-fb %s", fb)
		}
	}
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		mu.Lock()
		n := len(codes)
		mu.Unlock()
		t.Fatalf("received %d stamped frames in 20 s, want 20", n)
	}
	mu.Lock()
	if decodeErrors > 0 {
		t.Logf("%d frames failed to decode before a keyframe got through", decodeErrors)
	}
	for i, c := range codes {
		if c.Camera != testmedia.CameraBID {
			t.Fatalf("frame %d from camera %d", i, c.Camera)
		}
	}
	mu.Unlock()

	ctl := tr.EncoderController()
	if _, ok := ctl.(codec.KeyFrameController); !ok {
		t.Errorf("bound track's controller %T is no KeyFrameController", ctl)
	}
	br, ok := ctl.(codec.BitRateController)
	if !ok {
		t.Fatalf("bound track's controller %T is no BitRateController", ctl)
	}
	if err := br.SetBitRate(300_000); err != nil {
		t.Error(err)
	}
	before := preview.count()
	waitFor(t, "preview frames while bound", func() bool { return preview.count() >= before+5 })

	// Ending the call unbinds the track; the preview must go on.
	if err := send.Close(); err != nil {
		t.Fatal(err)
	}
	after := preview.count()
	waitFor(t, "preview frames after the call", func() bool { return preview.count() >= after+5 })
	if err := v.Close(); err != nil && !errors.Is(err, io.EOF) {
		t.Error(err)
	}
}
