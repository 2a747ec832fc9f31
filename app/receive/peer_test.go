package receive

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"github.com/parleyhq/parley/app/audio"
)

// newLoopbackPeer is a peer with the default codecs, restricted to the
// loopback interface so that two of them connect quickly inside one process.
func newLoopbackPeer(t *testing.T) *webrtc.PeerConnection {
	t.Helper()
	return newPeer(t, (*webrtc.MediaEngine).RegisterDefaultCodecs, func(name string) bool { return name == "lo" })
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
	desc, err := answer(answerer, *offerer.LocalDescription())
	if err != nil {
		t.Fatal(err)
	}
	if err := offerer.SetRemoteDescription(*desc); err != nil {
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

	var log frameLog
	rr := receiveTracks(t, ctx, recv, VideoConfig{Sink: &log}, AudioConfig{Output: audio.NewCapture(2)})

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
	wctx, cancelWait := context.WithTimeout(ctx, 15*time.Second)
	defer cancelWait()
	vs, as, _ := rr.waitStats(wctx, func(vs VideoStats, as AudioStats) bool {
		return vs.FramesDecoded >= frames-2 && as.PacketsDecoded >= 148
	})
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
	if _, audioR := rr.receivers(); audioR == nil {
		t.Error("no audio track arrived")
	} else if f := audioR.DominantFrequency(); math.Abs(f-440) > 3 {
		t.Errorf("received tone at %.1f Hz, want 440", f)
	}

	// End the receivers while the connection is still up.
	waited := make(chan struct{})
	go func() { rr.stop(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		t.Fatal("receivers did not return after their context was cancelled")
	}
	sender.Close()
	recv.Close()
	wg.Wait()
}
