package receive

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"github.com/parleyhq/parley/app/audio"
)

// newLoopbackPeer builds a PeerConnection as Parley's engine does (default
// codecs and interceptors, so NACK and PLI are negotiated), restricted to
// loopback UDP so two of them connect quickly inside one process.
func newLoopbackPeer(t *testing.T) *webrtc.PeerConnection {
	t.Helper()
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		t.Fatal(err)
	}
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	return pc
}

// connect runs a non-trickle offer/answer between the two peers.
func connect(t *testing.T, offerer, answerer *webrtc.PeerConnection) {
	t.Helper()
	offer, err := offerer.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	done := webrtc.GatheringCompletePromise(offerer)
	if err := offerer.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-done
	if err := answerer.SetRemoteDescription(*offerer.LocalDescription()); err != nil {
		t.Fatal(err)
	}
	answer, err := answerer.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	done = webrtc.GatheringCompletePromise(answerer)
	if err := answerer.SetLocalDescription(answer); err != nil {
		t.Fatal(err)
	}
	<-done
	if err := offerer.SetRemoteDescription(*answerer.LocalDescription()); err != nil {
		t.Fatal(err)
	}
}

// TestPeerConnectionEndToEnd sends VP8 video and an Opus 440 Hz tone over a
// real PeerConnection pair on loopback and receives them from OnTrack, as
// the call engine does. Cancelling the receivers' context while the
// connection is still open must end them (TrackRemote read deadline).
func TestPeerConnectionEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	sender, recv := newLoopbackPeer(t), newLoopbackPeer(t)
	defer sender.Close()
	defer recv.Close()

	vtrack, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "video", "parley")
	if err != nil {
		t.Fatal(err)
	}
	atrack, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "parley")
	if err != nil {
		t.Fatal(err)
	}
	vsender, err := sender.AddTrack(vtrack)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sender.AddTrack(atrack); err != nil {
		t.Fatal(err)
	}
	snd := newVP8Sender(t, 640, 480)
	tone := newToneEncoder(t, 440)

	// The sender answers PLIs with keyframes, like mediadevices does.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			pkts, _, err := vsender.ReadRTCP()
			if err != nil {
				return
			}
			for _, p := range pkts {
				if _, ok := p.(*rtcp.PictureLossIndication); ok {
					snd.requestKeyFrame()
				}
			}
		}
	}()

	rctx, stopReceivers := context.WithCancel(ctx)
	var (
		mu     sync.Mutex
		video  *VideoReceiver
		audioR *AudioReceiver
		recvWG sync.WaitGroup
		log    frameLog
	)
	// On an early failure, end the receivers before the test returns so
	// that none logs after it.
	defer func() { stopReceivers(); recvWG.Wait() }()
	capture := audio.NewCapture(2)
	recv.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		switch tr.Kind() {
		case webrtc.RTPCodecTypeVideo:
			ssrc := uint32(tr.SSRC())
			r, err := NewVideoReceiver(tr, VideoConfig{Sink: &log, RequestKeyFrame: func() {
				_ = recv.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}})
			}})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			video = r
			mu.Unlock()
			recvWG.Add(1)
			go func() { defer recvWG.Done(); t.Logf("video Run: %v", r.Run(rctx)) }()
		case webrtc.RTPCodecTypeAudio:
			r, err := NewAudioReceiver(tr, AudioConfig{Output: capture})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			audioR = r
			mu.Unlock()
			recvWG.Add(1)
			go func() { defer recvWG.Done(); t.Logf("audio Run: %v", r.Run(rctx)) }()
		}
	})

	connect(t, sender, recv)
	for sender.ConnectionState() != webrtc.PeerConnectionStateConnected || recv.ConnectionState() != webrtc.PeerConnectionStateConnected {
		if ctx.Err() != nil {
			t.Fatalf("not connected: sender %v, receiver %v", sender.ConnectionState(), recv.ConnectionState())
		}
		time.Sleep(10 * time.Millisecond)
	}

	// Three seconds of media: a video frame every 33 ms, audio every 20 ms.
	const frames = 90
	start := time.Now()
	var nextAudio time.Duration
	for i := 0; i < frames; i++ {
		data, err := snd.encode()
		if err != nil {
			t.Fatal(err)
		}
		if err := vtrack.WriteSample(media.Sample{Data: data, Duration: time.Second / 30}); err != nil {
			t.Fatal(err)
		}
		frameEnd := time.Duration(i+1) * time.Second / 30
		for ; nextAudio < frameEnd; nextAudio += 20 * time.Millisecond {
			pkt, err := tone.encode()
			if err != nil {
				t.Fatal(err)
			}
			if err := atrack.WriteSample(media.Sample{Data: pkt, Duration: 20 * time.Millisecond}); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(time.Until(start.Add(frameEnd)))
	}

	// Wait (generously) until the receivers have caught up.
	var vs VideoStats
	var as AudioStats
	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		v, a := video, audioR
		mu.Unlock()
		if v != nil && a != nil {
			vs, as = v.Stats(), a.Stats()
			if vs.FramesDecoded >= frames-2 && as.PacketsDecoded >= 148 {
				break
			}
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("video %+v", vs)
	t.Logf("audio %+v", as)
	if vs.FramesDecoded < frames*9/10 {
		t.Errorf("decoded %d of %d frames", vs.FramesDecoded, frames)
	}
	if vs.Width != 640 || vs.Height != 480 || log.bad != 0 {
		t.Errorf("size %dx%d, %d malformed frames", vs.Width, vs.Height, log.bad)
	}
	if as.PacketsDecoded < 135 {
		t.Errorf("decoded %d of 150 audio packets", as.PacketsDecoded)
	}
	if f := audioR.DominantFrequency(); math.Abs(f-440) > 3 {
		t.Errorf("received tone at %.1f Hz, want 440", f)
	}

	// End the receivers while the connection is still up.
	stopReceivers()
	waited := make(chan struct{})
	go func() { recvWG.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		t.Fatal("receivers did not return after their context was cancelled")
	}
	sender.Close()
	recv.Close()
	wg.Wait()
}
