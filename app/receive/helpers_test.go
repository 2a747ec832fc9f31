package receive

// The receiving side of the tests' scaffolding: running receivers in the
// background, streaming a synthetic sender into one, and receiving the
// tracks of a real PeerConnection as the call engine does. What makes the
// packets is in sender_test.go; the fake track that carries them, in
// track_test.go.

import (
	"context"
	"image"
	"sync"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/red"
)

// frameLog is a sink that records what it was given.
type frameLog struct {
	mu     sync.Mutex
	sizes  []image.Point
	bad    int // frames whose planes do not match their size
	stream frames.Stream
}

func (l *frameLog) WriteFrame(s frames.Stream, f *frames.Frame) {
	l.mu.Lock()
	defer l.mu.Unlock()
	cw, ch := f.ChromaSize()
	if len(f.Y) != f.Width*f.Height || len(f.U) != cw*ch || len(f.V) != cw*ch || s != frames.Remote {
		l.bad++
	}
	l.stream = s
	l.sizes = append(l.sizes, image.Pt(f.Width, f.Height))
}

func (l *frameLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.sizes)
}

// inBackground starts run(ctx) on its own goroutine and returns a function
// that waits for its result. Run blocks until its track ends or ctx ends,
// so the wait gives up after 20 s: a hung receiver fails its test instead
// of stalling the package.
func inBackground(t *testing.T, ctx context.Context, run func(context.Context) error) func() error {
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	return func() error {
		t.Helper()
		select {
		case err := <-done:
			return err
		case <-time.After(20 * time.Second):
			t.Fatal("Run did not return")
			return nil
		}
	}
}

// runVideo starts a video receiver on tr in the background (inBackground).
func runVideo(t *testing.T, ctx context.Context, tr RTPReader, cfg VideoConfig) (*VideoReceiver, func() error) {
	t.Helper()
	r, err := NewVideoReceiver(tr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r, inBackground(t, ctx, r.Run)
}

// runAudio runs an audio receiver over the whole recorded stream pkts and
// returns it once the stream has ended.
func runAudio(t *testing.T, pkts []*rtp.Packet, cfg AudioConfig) *AudioReceiver {
	t.Helper()
	r, err := NewAudioReceiver(closedTrack(pkts), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r
}

// stream sends frames from snd into tr at about 30 fps, passing each
// frame's packets through mangle first, then closes the track.
func stream(ctx context.Context, tr *chanTrack, snd *vp8Sender, n int, mangle func(i int, pkts []*rtp.Packet) []*rtp.Packet) error {
	defer close(tr.pkts)
	tick := time.NewTicker(time.Second / 30)
	defer tick.Stop()
	for i := 0; i < n; i++ {
		pkts, err := snd.next()
		if err != nil {
			return err
		}
		if mangle != nil {
			pkts = mangle(i, pkts)
		}
		for _, p := range pkts {
			if !tr.send(ctx, p) {
				return ctx.Err()
			}
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// videoStream is the set-up of the video tests: a synthetic 320×240 VP8
// sender whose packets reach a running VideoReceiver through a chanTrack,
// with the receiver's keyframe requests going back to the sender as a PLI
// would.
type videoStream struct {
	ctx  context.Context // ends 30 s after the start, or with the test
	tr   *chanTrack
	snd  *vp8Sender
	log  *frameLog
	r    *VideoReceiver
	wait func() error
}

func startVideoStream(t *testing.T) *videoStream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	v := &videoStream{ctx: ctx, tr: newChanTrack(0), snd: newVP8Sender(t, 320, 240), log: &frameLog{}}
	v.r, v.wait = runVideo(t, ctx, v.tr, VideoConfig{Sink: v.log, RequestKeyFrame: v.snd.requestKeyFrame})
	return v
}

// send streams n frames through mangle (see stream), then closes the track
// and returns the receiver's stats once Run has ended.
func (v *videoStream) send(t *testing.T, n int, mangle func(i int, pkts []*rtp.Packet) []*rtp.Packet) VideoStats {
	t.Helper()
	if err := stream(v.ctx, v.tr, v.snd, n, mangle); err != nil {
		t.Fatal(err)
	}
	if err := v.wait(); err != nil {
		t.Fatalf("Run after the track closed: %v", err)
	}
	st := v.r.Stats()
	t.Logf("stats %+v", st)
	return st
}

// newPeer builds a PeerConnection as Parley's engine does: the codecs that
// register adds, with the default interceptors (so NACK and PLI are
// negotiated), UDP4 only, loopback candidates included and no mDNS, so
// that peers inside one host connect quickly. A non-nil iface limits
// gathering to the interfaces it accepts.
func newPeer(t *testing.T, register func(*webrtc.MediaEngine) error, iface func(name string) bool) *webrtc.PeerConnection {
	t.Helper()
	m := &webrtc.MediaEngine{}
	if err := register(m); err != nil {
		t.Fatal(err)
	}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		t.Fatal(err)
	}
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	if iface != nil {
		se.SetInterfaceFilter(iface)
	}
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	return pc
}

// answer applies offer to pc and returns pc's answer with all its
// candidates (no trickle). It returns errors rather than failing a test
// because it also runs in an HTTP handler, off the test's goroutine.
func answer(pc *webrtc.PeerConnection, offer webrtc.SessionDescription) (*webrtc.SessionDescription, error) {
	if err := pc.SetRemoteDescription(offer); err != nil {
		return nil, err
	}
	red.PreferInAnswer(pc) // as app/call answers
	desc, err := pc.CreateAnswer(nil)
	if err != nil {
		return nil, err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(desc); err != nil {
		return nil, err
	}
	<-gathered
	return pc.LocalDescription(), nil
}

// trackReceivers starts a receiver for each track a PeerConnection
// receives, from OnTrack as the call engine does, each Run on its own
// goroutine. Video keyframe requests go to the sender as PLIs.
type trackReceivers struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	stopped bool // no receiver starts after stop, so wg.Wait cannot race an Add
	video   *VideoReceiver
	audio   *AudioReceiver
	// audioCodec is the audio track's codec, as negotiated.
	audioCodec string
}

// receiveTracks starts receivers for pc's tracks with these configurations
// (video's RequestKeyFrame is set here) until ctx ends or stop is called.
// The test's cleanup stops them, so that after an early failure none runs
// or logs once the test has returned.
func receiveTracks(t *testing.T, ctx context.Context, pc *webrtc.PeerConnection, video VideoConfig, audio AudioConfig) *trackReceivers {
	ctx, cancel := context.WithCancel(ctx)
	rr := &trackReceivers{cancel: cancel}
	t.Cleanup(rr.stop)
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		rr.mu.Lock()
		defer rr.mu.Unlock()
		if rr.stopped {
			return
		}
		var run func(context.Context) error
		switch tr.Kind() {
		case webrtc.RTPCodecTypeVideo:
			cfg := video
			ssrc := uint32(tr.SSRC())
			cfg.RequestKeyFrame = func() {
				_ = pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}})
			}
			r, err := NewVideoReceiver(tr, cfg)
			if err != nil {
				t.Error(err)
				return
			}
			rr.video, run = r, r.Run
		case webrtc.RTPCodecTypeAudio:
			cfg := audio
			c := tr.Codec()
			cfg.REDPayloadType = REDPayloadTypeOf(c.MimeType, uint8(c.PayloadType))
			r, err := NewAudioReceiver(tr, cfg)
			if err != nil {
				t.Error(err)
				return
			}
			rr.audio, rr.audioCodec, run = r, c.MimeType, r.Run
		default:
			t.Errorf("unexpected %v track", tr.Kind())
			return
		}
		rr.wg.Add(1)
		go func() {
			defer rr.wg.Done()
			err := run(ctx)
			t.Logf("%v Run: %v", tr.Kind(), err)
		}()
	})
	return rr
}

// receivers returns the receivers started so far: nil until their track
// has arrived.
func (rr *trackReceivers) receivers() (*VideoReceiver, *AudioReceiver) {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	return rr.video, rr.audio
}

// waitStats polls both receivers' stats until enough holds or ctx ends, and
// returns the last stats seen and whether enough held.
func (rr *trackReceivers) waitStats(ctx context.Context, enough func(VideoStats, AudioStats) bool) (VideoStats, AudioStats, bool) {
	var vs VideoStats
	var as AudioStats
	for {
		if v, a := rr.receivers(); v != nil && a != nil {
			vs, as = v.Stats(), a.Stats()
			if enough(vs, as) {
				return vs, as, true
			}
		}
		select {
		case <-ctx.Done():
			return vs, as, false
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stop ends the receivers and waits until every Run has returned.
func (rr *trackReceivers) stop() {
	rr.mu.Lock()
	rr.stopped = true
	rr.mu.Unlock()
	rr.cancel()
	rr.wg.Wait()
}
