package receive

import (
	"context"
	"errors"
	"image"
	"runtime"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/internal/testwait"
)

func TestVideoDecodesReorderedStream(t *testing.T) {
	v := startVideoStream(t)

	const n = 45
	reordered := 0
	st := v.send(t, n, func(i int, p []*rtp.Packet) []*rtp.Packet {
		if len(p) >= 2 && i%3 == 0 { // swap the first two packets of every third frame
			p[0], p[1] = p[1], p[0]
			reordered++
		}
		return p
	})
	if reordered == 0 {
		t.Fatal("no frame had two packets: the test reordered nothing")
	}
	// Every frame is complete, so every one is decoded, the last included.
	if st.FramesDecoded != n {
		t.Errorf("decoded %d of %d frames", st.FramesDecoded, n)
	}
	if st.DecodeErrors != 0 || st.FramesSkipped != 0 || st.KeyFramesRequested != 0 {
		t.Errorf("decode errors %d, skipped %d, keyframes requested %d; want none", st.DecodeErrors, st.FramesSkipped, st.KeyFramesRequested)
	}
	if st.Width != 320 || st.Height != 240 || st.LastFrame.IsZero() {
		t.Errorf("stats size %dx%d last %v", st.Width, st.Height, st.LastFrame)
	}
	if v.log.bad != 0 || uint64(v.log.count()) != st.FramesDecoded {
		t.Errorf("sink: %d frames, %d malformed; stats say %d decoded", v.log.count(), v.log.bad, st.FramesDecoded)
	}
	for _, sz := range v.log.sizes {
		if sz != image.Pt(320, 240) {
			t.Fatalf("frame size %v, want 320x240", sz)
		}
	}
}

// TestVideoRecoversFromLoss drops one packet mid-stream: the receiver must
// stop showing broken frames, ask for a keyframe, and resume on it.
func TestVideoRecoversFromLoss(t *testing.T) {
	v := startVideoStream(t)

	// Frame 30 comes a second after the start-up PLI, so the rate limit
	// does not hold back the PLI for the loss.
	const n, lossAt = 60, 30
	var (
		reqsBefore int64
		decBefore  uint64
	)
	st := v.send(t, n, func(i int, p []*rtp.Packet) []*rtp.Packet {
		if i == lossAt {
			reqsBefore = v.snd.keyReqs.Load()
			decBefore = v.r.Stats().FramesDecoded
			return p[1:] // lose the first packet of the frame
		}
		return p
	})
	if v.snd.keyReqs.Load() <= reqsBefore {
		t.Errorf("no keyframe requested after the loss (requests: %d before, %d after)", reqsBefore, v.snd.keyReqs.Load())
	}
	if st.PacketsDropped == 0 {
		t.Error("the lost packet was not counted")
	}
	if st.FramesDecoded < decBefore+n-lossAt-10 {
		t.Errorf("decoding did not resume: %d decoded before the loss, %d at the end", decBefore, st.FramesDecoded)
	}
	if st.DecodeErrors != 0 {
		t.Errorf("%d decode errors: broken frames reached the decoder", st.DecodeErrors)
	}
}

// TestVideoSurvivesCorruptFrame damages a frame so that libvpx rejects it.
func TestVideoSurvivesCorruptFrame(t *testing.T) {
	v := startVideoStream(t)

	const n, badAt = 60, 30
	var decBefore uint64
	st := v.send(t, n, func(i int, p []*rtp.Packet) []*rtp.Packet {
		if i == badAt {
			decBefore = v.r.Stats().FramesDecoded
			// After the payload descriptor (4 bytes with a 15-bit picture
			// ID) comes the frame tag: claim a first partition far longer
			// than the frame, keeping the inter-frame and show bits.
			pl := append([]byte(nil), p[0].Payload...)
			pl[4], pl[5], pl[6] = 0xF1, 0xFF, 0xFF
			p[0].Payload = pl
		}
		return p
	})
	if st.DecodeErrors == 0 {
		t.Fatal("the corrupt frame was not reported as a decode error")
	}
	if st.FramesDecoded < decBefore+n-badAt-10 {
		t.Errorf("decoding did not resume: %d decoded before the error, %d at the end", decBefore, st.FramesDecoded)
	}
	if st.KeyFramesRequested != 1 || v.snd.keyReqs.Load() != 1 {
		t.Errorf("keyframes requested %d (sender saw %d), want one after the error", st.KeyFramesRequested, v.snd.keyReqs.Load())
	}
}

func TestVideoFollowsResolutionChange(t *testing.T) {
	v := startVideoStream(t)

	st := v.send(t, 40, func(i int, p []*rtp.Packet) []*rtp.Packet {
		if i == 19 { // frame 20 onwards is larger; the encoder restarts with a keyframe
			v.snd.size.Store(image.Pt(640, 360))
		}
		return p
	})
	if st.Width != 640 || st.Height != 360 {
		t.Errorf("last size %dx%d, want 640x360", st.Width, st.Height)
	}
	seen := map[image.Point]int{}
	for _, sz := range v.log.sizes {
		seen[sz]++
	}
	if seen[image.Pt(320, 240)] < 15 || seen[image.Pt(640, 360)] < 15 || len(seen) != 2 || v.log.bad != 0 {
		t.Errorf("sizes seen %v, %d malformed", seen, v.log.bad)
	}
}

// TestVideoJoinsMidStream starts receiving after the sender's keyframe, as
// when a track is picked up late: the receiver must ask for a keyframe and
// show nothing broken until it comes.
func TestVideoJoinsMidStream(t *testing.T) {
	v := startVideoStream(t)
	st := v.send(t, 30, func(i int, p []*rtp.Packet) []*rtp.Packet {
		if i < 5 {
			return nil // the keyframe and four frames that depend on it
		}
		return p
	})
	if v.snd.keyReqs.Load() == 0 || st.FramesSkipped == 0 {
		t.Fatalf("no keyframe requested (skipped %d frames)", st.FramesSkipped)
	}
	if st.DecodeErrors != 0 || st.FramesDecoded < 20 {
		t.Errorf("decoded %d with %d errors, want at least 20 and none", st.FramesDecoded, st.DecodeErrors)
	}
}

func TestVideoCancelUnblocksRead(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	tr := newChanTrack(0) // never sends
	var log frameLog
	_, wait := runVideo(t, ctx, tr, VideoConfig{Sink: &log})
	time.Sleep(50 * time.Millisecond) // let Run block in ReadRTP (the test passes either way)
	cancel()
	if err := wait(); err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	testwait.Goroutines(t, before, 10*time.Second)
}

func TestVideoSkipsUnreadablePackets(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr := newChanTrack(0)
	var log frameLog
	r, wait := runVideo(t, ctx, tr, VideoConfig{Sink: &log})
	tr.errs <- errors.New("rtp: header too short")
	tr.send(ctx, &rtp.Packet{Header: rtp.Header{SequenceNumber: 1}, Payload: []byte{0x10, 0, 0}})
	close(tr.pkts)
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if st := r.Stats(); st.PacketsBad != 1 || st.PacketsReceived != 1 {
		t.Errorf("bad %d received %d, want 1 and 1", st.PacketsBad, st.PacketsReceived)
	}
}

func TestNewVideoReceiverRejectsMissingSink(t *testing.T) {
	if _, err := NewVideoReceiver(newChanTrack(0), VideoConfig{}); !errors.Is(err, ErrNoSink) {
		t.Fatalf("err %v, want ErrNoSink", err)
	}
}

func TestVP8KeyFrameHeader(t *testing.T) {
	// Tag (keyframe, show), start code, 640 | scale 1<<14, 480.
	key := []byte{0x50, 0x2a, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x42, 0xe0, 0x01}
	if !isVP8KeyFrame(key) {
		t.Fatal("keyframe not recognised")
	}
	if w, h := vp8KeyFrameSize(key); w != 640 || h != 480 {
		t.Fatalf("size %dx%d, want 640x480", w, h)
	}
	inter := append([]byte{0x51}, key[1:]...)
	if isVP8KeyFrame(inter) || isVP8KeyFrame(key[:9]) {
		t.Fatal("inter frame or short frame taken for a keyframe")
	}
}

func TestNextPictureID(t *testing.T) {
	for _, tc := range []struct {
		prev, cur uint16
		want      bool
	}{{5, 6, true}, {5, 7, false}, {0x7fff, 0, true}, {127, 128, true}, {127, 0, true}, {300, 44, false}} {
		if got := nextPictureID(tc.prev, tc.cur); got != tc.want {
			t.Errorf("nextPictureID(%d, %d) = %v", tc.prev, tc.cur, got)
		}
	}
}

// A keyframe header claiming a huge picture must be refused before libvpx
// allocates it.
func TestVideoRefusesHugeKeyFrame(t *testing.T) {
	// 16383x16383 keyframe, marker set; then one more packet so it is released.
	huge := []byte{0x10, 0x50, 0x2a, 0x00, 0x9d, 0x01, 0x2a, 0xff, 0x3f, 0xff, 0x3f, 0, 0, 0}
	tr := closedTrack([]*rtp.Packet{
		{Header: rtp.Header{SequenceNumber: 1, Timestamp: 0, Marker: true}, Payload: huge},
		{Header: rtp.Header{SequenceNumber: 2, Timestamp: 3000, Marker: true}, Payload: huge},
	})
	r, err := NewVideoReceiver(tr, VideoConfig{Sink: &frameLog{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := r.Stats(); st.DecodeErrors < 1 || st.FramesDecoded != 0 {
		t.Fatalf("stats %+v, want one refused frame", st)
	}
}

// An odd-sized stream must come out without the decoder's green edge.
func TestVideoOddSizeHasNoGreenEdge(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tr := newChanTrack(0)
	snd := newVP8Sender(t, 161, 121)
	var last frames.Frame
	sink := frames.SinkFunc(func(_ frames.Stream, f *frames.Frame) {
		last = frames.Frame{Width: f.Width, Height: f.Height, U: append([]byte(nil), f.U...)}
	})
	r, wait := runVideo(t, ctx, tr, VideoConfig{Sink: sink})
	if err := stream(ctx, tr, snd, 5, nil); err != nil {
		t.Fatal(err)
	}
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if st := r.Stats(); st.FramesDecoded == 0 {
		t.Fatal("nothing decoded")
	}
	if last.Width != 161 || last.Height != 121 {
		t.Fatalf("size %dx%d", last.Width, last.Height)
	}
	cw, ch := last.ChromaSize()
	// The sender's chroma is flat (128 + frame index); zero means unfilled.
	if c := last.U[cw-1]; c < 100 {
		t.Errorf("last chroma column is %d", c)
	}
	if c := last.U[(ch-1)*cw]; c < 100 {
		t.Errorf("last chroma row is %d", c)
	}
}
