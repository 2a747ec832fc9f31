package media_test

import (
	"testing"
	"time"

	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/testmedia"
)

// sendingTrack returns a track that sends v.
func sendingTrack(v *media.Video) *media.VideoTrack {
	tr := media.NewVideoTrack(nil, 30)
	tr.SetSource(v)
	return tr
}

// A bound track whose source changes (a camera switch, the camera off and
// on again) goes on as one stream: sequence numbers without a gap,
// timestamps that follow the wall clock, one decoder for all of it, and a
// keyframe where each new source starts.
func TestSourceChangesContinueTheStream(t *testing.T) {
	open := func(name string) *media.Video {
		v, err := media.OpenVideo(media.VideoRequest{Camera: name, Width: 320, Height: 240})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = v.Close() })
		return v
	}
	camA, camB := open(testmedia.CameraA), open(testmedia.CameraB)
	tr := sendingTrack(camA)
	r := newRecorder(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
		PayloadType:        96,
	})
	defer close(r.closed)
	if _, err := tr.Bind(r); err != nil {
		t.Fatal(err)
	}
	frames := func(n int) {
		t.Helper()
		want := r.markers() + n
		waitFor(t, "frames sent", func() bool { return r.markers() >= want })
	}
	frames(10)
	tr.SetSource(camB)
	frames(10)
	tr.SetSource(nil)
	off := len(r.packets())
	const offFor = 400 * time.Millisecond
	time.Sleep(offFor)
	if n := len(r.packets()) - off; n != 0 {
		t.Errorf("%d packets sent with no source", n)
	}
	tr.SetSource(camA)
	frames(10)
	if err := tr.Unbind(r); err != nil {
		t.Fatal(err)
	}
	pkts := r.packets()

	key := map[uint32]bool{} // by timestamp: does the frame start a keyframe?
	for i, p := range pkts {
		if i > 0 && p.SequenceNumber != pkts[i-1].SequenceNumber+1 {
			t.Fatalf("packet %d: sequence number %d after %d", i, p.SequenceNumber, pkts[i-1].SequenceNumber)
		}
		var vp codecs.VP8Packet
		payload, err := vp.Unmarshal(p.Payload)
		if err != nil {
			t.Fatal(err)
		}
		if vp.S == 1 && vp.PID == 0 {
			key[p.Timestamp] = payload[0]&1 == 0
		}
	}
	sent := decodeSent(t, pkts, 320, 240) // one decoder: one stream
	var switches []int                    // indices where the camera changes
	for i := 1; i < len(sent); i++ {
		if int32(sent[i].ts-sent[i-1].ts) <= 0 {
			t.Fatalf("frame %d: timestamp %d after %d", i, sent[i].ts, sent[i-1].ts)
		}
		if sent[i].code.Camera != sent[i-1].code.Camera {
			switches = append(switches, i)
		}
	}
	if len(switches) != 2 || sent[0].code.Camera != testmedia.CameraAID || sent[switches[0]].code.Camera != testmedia.CameraBID || sent[switches[1]].code.Camera != testmedia.CameraAID {
		t.Fatalf("cameras changed at frames %v; want A, then B, then A again", switches)
	}
	for _, i := range switches {
		if !key[sent[i].ts] {
			t.Errorf("frame %d, the first of a new source, is no keyframe", i)
		}
	}
	// The clock ran on while nothing was sent.
	if gap := time.Duration(sent[switches[1]].ts-sent[switches[1]-1].ts) * time.Second / 90000; gap < offFor {
		t.Errorf("timestamps moved %v over %v without a source", gap, offFor)
	}
}
