package media

import (
	"sync"

	"github.com/pion/mediadevices"
	"github.com/pion/webrtc/v4"
)

// boundTrack is the microphone's mediadevices track with its
// PeerConnection bindings counted. While a sender reads the track, the
// level meter takes chunks inline from the capture path; when
// no sender reads it, a pump must pull frames instead. Two readers of a
// mediadevices broadcaster make the second one poll for the first one's
// frame (see broadcastPoll), so the pump runs only while the track is
// unbound.
type boundTrack struct {
	mediadevices.Track
	mu      sync.Mutex
	bound   map[string]bool
	changed chan struct{} // closed and replaced on every bind/unbind
}

func newBoundTrack(t mediadevices.Track) *boundTrack {
	return &boundTrack{Track: t, bound: map[string]bool{}, changed: make(chan struct{})}
}

// Bind implements webrtc.TrackLocal.
func (t *boundTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	p, err := t.Track.Bind(ctx)
	if err == nil {
		t.set(ctx.ID(), true)
	}
	return p, err
}

// Unbind implements webrtc.TrackLocal.
func (t *boundTrack) Unbind(ctx webrtc.TrackLocalContext) error {
	err := t.Track.Unbind(ctx)
	t.set(ctx.ID(), false)
	return err
}

func (t *boundTrack) set(id string, on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if on {
		t.bound[id] = true
	} else {
		delete(t.bound, id)
	}
	close(t.changed)
	t.changed = make(chan struct{})
}

// state reports whether a sender reads the track, and a channel closed at
// the next change.
func (t *boundTrack) state() (bound bool, changed <-chan struct{}) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.bound) > 0, t.changed
}
