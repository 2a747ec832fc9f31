package call

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/mediadevices"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/protocol"
)

// side is one end of a test call with its received-packet counters.
type side struct {
	call        *Call
	video       atomic.Int64 // RTP packets received per kind
	audio       atomic.Int64
	lastLuma    atomic.Int64
	connected   chan struct{}
	onceConnect sync.Once
	closed      chan struct{}
	onceClose   sync.Once
	inbox       chan *protocol.Message
	// lost makes deliver drop offers, as a dead server path would;
	// dropped counts them.
	lost, dropped atomic.Int64
	offers        atomic.Int64 // video-offers applied
	// firstKey is the number of video frames that arrived before the
	// first keyframe (-1 until one does).
	firstKey, videoFrames atomic.Int64
}

func (s *side) onTrack(ctx context.Context, tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	counter := &s.audio
	if tr.Kind() == webrtc.RTPCodecTypeVideo {
		counter = &s.video
	}
	for ctx.Err() == nil {
		p, _, err := tr.ReadRTP()
		if err != nil {
			return
		}
		counter.Add(1)
		if counter == &s.video {
			s.noteVideo(p)
		}
	}
}

// noteVideo counts VP8 frames and notes where the first keyframe came.
func (s *side) noteVideo(p *rtp.Packet) {
	var vp codecs.VP8Packet
	payload, err := vp.Unmarshal(p.Payload)
	if err == nil && vp.S == 1 && vp.PID == 0 && len(payload) > 0 && payload[0]&1 == 0 {
		s.firstKey.CompareAndSwap(-1, s.videoFrames.Load())
	}
	if p.Marker {
		s.videoFrames.Add(1)
	}
}

// deliver applies one message from the peer, as the engine would.
func (s *side) deliver(t *testing.T, m *protocol.Message) {
	if m.Type == protocol.TypeVideoOffer && s.lost.Load() != 0 {
		s.dropped.Add(1)
		return
	}
	var err error
	switch m.Type {
	case protocol.TypeVideoOffer:
		s.offers.Add(1)
		err = s.call.Answer(m.SDP)
	case protocol.TypeVideoAnswer:
		err = s.call.ApplyAnswer(m.SDP)
	case protocol.TypeNewICECandidate:
		err = s.call.AddCandidate(m.Candidate)
	}
	if err != nil {
		t.Errorf("%s: %v", m.Type, err)
	}
}

func newSide(t *testing.T, video, audio mediadevices.Track, sel CodecRegistrar) *side {
	t.Helper()
	s := &side{connected: make(chan struct{}), closed: make(chan struct{}), inbox: make(chan *protocol.Message, 256)}
	s.firstKey.Store(-1)
	c, err := New(Config{
		Codecs:  sel,
		Video:   video,
		Audio:   audio,
		Signal:  func(m *protocol.Message) { s.inbox <- m },
		OnTrack: s.onTrack,
		OnState: func(st webrtc.PeerConnectionState) {
			if st == webrtc.PeerConnectionStateConnected {
				s.onceConnect.Do(func() { close(s.connected) })
			}
			if st == webrtc.PeerConnectionStateClosed {
				s.onceClose.Do(func() { close(s.closed) })
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.call = c
	return s
}

// wire relays each side's outgoing messages to the other until ctx ends;
// hold, if set, decides which messages are held back and delivered later.
func wire(ctx context.Context, t *testing.T, a, b *side, wg *sync.WaitGroup) {
	relay := func(from, to *side) {
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case m := <-from.inbox:
				to.deliver(t, m)
			}
		}
	}
	wg.Add(2)
	go relay(a, b)
	go relay(b, a)
}

// placeCall wires a and b together and has a offer. When the test ends
// the relay stops and both calls close, before the tracks newVideoTrack
// and newAudioTrack made (their cleanups were registered earlier).
func placeCall(t *testing.T, a, b *side) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		_ = b.call.Close()
		_ = a.call.Close()
	})
	wire(ctx, t, a, b, &wg)
	if err := a.call.Offer(); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	testwait.Until(t, what, 20*time.Second, cond)
}

func waitGoroutines(t *testing.T, baseline int) {
	testwait.Goroutines(t, baseline, 10*time.Second)
}

func TestMediaFlowsBothWaysAndGoroutinesReturn(t *testing.T) {
	sel := testSelector(t)
	baseline := runtime.NumGoroutine()
	func() {
		tracks := []mediadevices.Track{
			newVideoTrack(t, sel, "a-cam", 60), newAudioTrack(t, sel, "a-mic"),
			newVideoTrack(t, sel, "b-cam", 180), newAudioTrack(t, sel, "b-mic"),
		}
		defer func() {
			for _, tr := range tracks {
				_ = tr.Close()
			}
		}()
		a := newSide(t, tracks[0], tracks[1], sel)
		b := newSide(t, tracks[2], tracks[3], sel)
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wire(ctx, t, a, b, &wg)
		if err := a.call.Offer(); err != nil {
			t.Fatal(err)
		}
		// Browsers show ev.streams[0]: camera and microphone must be one
		// stream.
		if sdp := a.call.PeerConnection().LocalDescription().SDP; strings.Count(sdp, "a=msid:"+a.call.streamID+" ") != 2 {
			t.Errorf("the tracks are not in one stream:\n%s", sdp)
		}
		waitFor(t, "media both ways", func() bool {
			return a.video.Load() > 30 && b.video.Load() > 30 && a.audio.Load() > 20 && b.audio.Load() > 20
		})
		st := a.call.Stats()
		time.Sleep(500 * time.Millisecond)
		st = a.call.Stats()
		if st.ReceiveBitrate <= 0 || st.SendBitrate <= 0 || st.VideoPacketsReceived == 0 || st.AudioPacketsReceived == 0 {
			t.Errorf("stats show no traffic: %+v", st)
		}
		if !st.PeerReportsVideo || !st.PeerReportsAudio {
			t.Errorf("the peer's receiver reports do not acknowledge our media: %+v", st)
		}
		if st.TargetBitrate <= 0 {
			t.Errorf("no congestion-control estimate: %+v", st)
		}
		cancel()
		wg.Wait()
		// B closes without a word on signaling: pion closes A by itself
		// when B's DTLS ends, while A's statistics keep being read (pion's
		// own GetStats races with that Close; Stats must not).
		reading := make(chan struct{})
		go func() {
			defer close(reading)
			for {
				select {
				case <-a.closed:
					return
				default:
					_ = a.call.Stats()
					time.Sleep(time.Millisecond)
				}
			}
		}()
		if err := b.call.Close(); err != nil {
			t.Error(err)
		}
		select {
		case <-a.closed:
		case <-time.After(20 * time.Second):
			t.Error("A was not told that B closed")
		}
		<-reading
		if err := a.call.Close(); err != nil {
			t.Error(err)
		}
		// Closing twice is harmless.
		if err := a.call.Close(); err != nil {
			t.Error(err)
		}
	}()
	waitGoroutines(t, baseline)
}

// The picture starts as the call connects: what was encoded before DTLS
// was up never left, its keyframe with it, so the call asks for a new one
// rather than leave the peer waiting for its own PLI (these test peers send
// none) or the encoder's next periodic keyframe.
func TestKeyFrameWhenConnected(t *testing.T) {
	sel := testSelector(t)
	a := newSide(t, newVideoTrack(t, sel, "a-cam", 60), nil, sel)
	b := newSide(t, nil, nil, sel)
	placeCall(t, a, b)
	waitFor(t, "30 frames", func() bool { return b.videoFrames.Load() >= 30 })
	t.Logf("first keyframe after %d frames", b.firstKey.Load())
	// A frame or two may be on the way when the keyframe is asked for.
	if n := b.firstKey.Load(); n < 0 || n > 5 {
		t.Errorf("the first keyframe came after %d frames (-1: none in 30)", n)
	}
}
