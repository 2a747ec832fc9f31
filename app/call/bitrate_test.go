package call

import (
	"context"
	"sync"
	"testing"

	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/codec"

	"github.com/parleyhq/parley/signaling/protocol"
)

// recordingTrack reports every bitrate the call asks of its encoder.
type recordingTrack struct {
	mediadevices.Track
	mu    sync.Mutex
	rates []int
}

func (r *recordingTrack) EncoderController() codec.EncoderController { return r }

func (r *recordingTrack) SetBitRate(bps int) error {
	r.mu.Lock()
	r.rates = append(r.rates, bps)
	r.mu.Unlock()
	return nil
}

func (r *recordingTrack) seen() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int(nil), r.rates...)
}

func TestCongestionControlDrivesEncoderWithinBounds(t *testing.T) {
	sel := testSelector(t)
	video := &recordingTrack{Track: newVideoTrack(t, sel, "cam", 90)}
	a := newSide(t, nil, newAudioTrack(t, sel, "a-mic"), sel)
	// A call of its own with the recording track and explicit bounds.
	_ = a.call.Close()
	c, err := New(Config{
		Codecs: sel, Video: video, Signal: func(m *protocol.Message) { a.inbox <- m },
		StartBitrate: 400_000, MinBitrate: 200_000, MaxBitrate: 600_000,
		OnTrack: a.onTrack,
	})
	if err != nil {
		t.Fatal(err)
	}
	a.call = c
	b := newSide(t, newVideoTrack(t, sel, "b-cam", 30), nil, sel)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	wire(ctx, t, a, b, &wg)
	defer func() {
		cancel()
		wg.Wait()
		_ = a.call.Close()
		_ = b.call.Close()
	}()
	if err := a.call.Offer(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the start bitrate applied", func() bool { return len(video.seen()) > 0 })
	if got := video.seen()[0]; got != 400_000 {
		t.Errorf("first bitrate %d, want the start bitrate 400000", got)
	}
	waitFor(t, "video at the peer", func() bool { return b.video.Load() > 30 })
	for _, r := range video.seen() {
		if r < 200_000 || r > 600_000 {
			t.Errorf("bitrate %d outside the bounds", r)
		}
	}
}
