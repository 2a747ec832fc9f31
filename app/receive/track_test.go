package receive

import (
	"context"
	"io"
	"os"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
)

// chanTrack is an RTPReader fed from a channel. Like a TrackRemote it
// blocks in ReadRTP until a packet comes, the channel closes (io.EOF) or a
// past read deadline is set (a timeout error).
type chanTrack struct {
	pkts chan *rtp.Packet
	errs chan error // optional: an error to return instead of a packet

	mu      sync.Mutex
	expired chan struct{}
	timer   *time.Timer // closes expired at a future deadline
	gen     int         // counts SetReadDeadline calls: a stale timer does nothing
}

func newChanTrack(buffer int) *chanTrack {
	return &chanTrack{pkts: make(chan *rtp.Packet, buffer), errs: make(chan error, 1), expired: make(chan struct{})}
}

// closedTrack is a track that yields pkts in order and then io.EOF: a
// recorded stream, read to its end.
func closedTrack(pkts []*rtp.Packet) *chanTrack {
	tr := newChanTrack(len(pkts))
	for _, p := range pkts {
		tr.pkts <- p
	}
	close(tr.pkts)
	return tr
}

func (t *chanTrack) ReadRTP() (*rtp.Packet, interceptor.Attributes, error) {
	t.mu.Lock()
	expired := t.expired
	t.mu.Unlock()
	select {
	case p, ok := <-t.pkts:
		if !ok {
			return nil, nil, io.EOF
		}
		return p, nil, nil
	case err := <-t.errs:
		return nil, nil, err
	case <-expired:
		return nil, nil, os.ErrDeadlineExceeded
	}
}

func (t *chanTrack) SetReadDeadline(d time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	t.gen++
	gen := t.gen
	// A reader blocked in ReadRTP waits on the current channel: keep it
	// unless it has already fired.
	select {
	case <-t.expired:
		t.expired = make(chan struct{})
	default:
	}
	ch := t.expired
	switch {
	case d.IsZero():
	case !d.After(time.Now()):
		close(ch)
	default:
		t.timer = time.AfterFunc(time.Until(d), func() {
			t.mu.Lock()
			defer t.mu.Unlock()
			select {
			case <-ch:
			default:
				if t.gen == gen {
					close(ch)
				}
			}
		})
	}
	return nil
}

// send delivers p unless ctx ends first.
func (t *chanTrack) send(ctx context.Context, p *rtp.Packet) bool {
	select {
	case t.pkts <- p:
		return true
	case <-ctx.Done():
		return false
	}
}
