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
	select {
	case <-t.expired:
		t.expired = make(chan struct{})
	default:
	}
	if !d.IsZero() && !d.After(time.Now()) {
		close(t.expired)
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
