package receive

import (
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4/pkg/media"
	"github.com/pion/webrtc/v4/pkg/media/samplebuilder"
)

// assembler rebuilds VP8 frames with pion's sample builder and fixes two
// of its habits that matter in a call:
//
//   - It begins its first frame at the first packet it is given, so if the
//     keyframe's second packet overtook its first, the whole keyframe was
//     thrown away. Packets that come before the stream's first frame start
//     wait for it.
//   - A duplicate or very late packet (a retransmission that was not
//     needed) would reopen a range it has already passed. Packets older
//     than what it has released, or already held, are dropped.
type assembler struct {
	sb *samplebuilder.SampleBuilder

	started bool          // a frame start has been seen
	pending []*rtp.Packet // packets that came before it

	held        map[uint16]struct{} // sequence numbers inside the sample builder
	released    uint16              // newest sequence number the builder let go
	hasReleased bool

	onLate func() // called for a packet dropped as duplicate or too late
}

func newAssembler(onLate func(), opts ...samplebuilder.Option) *assembler {
	a := &assembler{held: make(map[uint16]struct{}), onLate: onLate}
	opts = append(opts, samplebuilder.WithPacketReleaseHandler(func(p *rtp.Packet) {
		delete(a.held, p.SequenceNumber)
		if !a.hasReleased || seqAfter(p.SequenceNumber, a.released) {
			a.released, a.hasReleased = p.SequenceNumber, true
		}
	}))
	a.sb = samplebuilder.New(maxLatePackets, &codecs.VP8Packet{}, vp8ClockRate, opts...)
	return a
}

// seqAfter reports whether sequence number a comes after b (RFC 3550 wrap).
func seqAfter(a, b uint16) bool { return int16(a-b) > 0 }

// push adds a packet.
func (a *assembler) push(p *rtp.Packet) {
	if !a.started {
		if !(&codecs.VP8Packet{}).IsPartitionHead(p.Payload) {
			if len(a.pending) == maxPending {
				a.pending = a.pending[1:]
			}
			a.pending = append(a.pending, p)
			return
		}
		a.started = true
		a.add(p)
		for _, q := range a.pending {
			if seqAfter(q.SequenceNumber, p.SequenceNumber) {
				a.add(q)
			}
		}
		a.pending = nil
		return
	}
	a.add(p)
}

func (a *assembler) add(p *rtp.Packet) {
	seq := p.SequenceNumber
	if _, dup := a.held[seq]; dup || (a.hasReleased && !seqAfter(seq, a.released)) {
		a.onLate()
		return
	}
	a.held[seq] = struct{}{}
	a.sb.Push(p)
}

// pop returns the next frame, or nil.
func (a *assembler) pop() *media.Sample { return a.sb.Pop() }
