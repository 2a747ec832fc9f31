package receive

import (
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4/pkg/media"
)

// ringSize bounds how far ahead of the oldest missing packet packets are
// kept; it exceeds maxLatePackets, after which a gap is given up anyway.
const ringSize = 1024

// assembler rebuilds VP8 frames from RTP packets. It does the job of pion's
// samplebuilder, which Parley used first, with three differences that
// matter in a call:
//
//   - A frame is passed on as soon as its last packet (marker bit) is in
//     and every packet before it is present. The sample builder waits for a
//     packet of the next frame as well, which delayed every picture by a
//     frame interval (33 ms at 30 fps, more when the sender slows down).
//   - Packets that come before the stream's first frame start wait for it,
//     so a keyframe whose second packet overtook its first is not lost.
//   - Duplicates and retransmissions that arrive after their frame went
//     out are dropped instead of reopening a passed range.
//
// A missing packet holds later frames back until either maxLatePackets
// newer packets or maxFrameDelay of newer media have arrived; then the
// incomplete frame is given up and counted in the next frame's
// PrevDroppedPackets.
type assembler struct {
	ring    [ringSize]*rtp.Packet // by sequence number modulo ringSize
	started bool                  // a frame start has been seen
	pending []*rtp.Packet         // packets that came before it
	next    uint16                // oldest sequence number not yet passed on or given up
	highest uint16                // newest sequence number held
	dropped uint16                // packets given up since the last frame
	onLate  func()                // a packet was a duplicate or came after its turn
	vp8     codecs.VP8Packet
	// data holds the bytes of the frame pop returned last and is reused for
	// the next, so a frame costs no growing buffer (about 60 KB of garbage
	// per 720p frame otherwise).
	data []byte
}

func newAssembler(onLate func()) *assembler { return &assembler{onLate: onLate} }

// seqAfter reports whether sequence number a comes after b (RFC 3550 wrap).
func seqAfter(a, b uint16) bool { return int16(a-b) > 0 }

// push adds a packet. The assembler keeps it until its frame is passed on.
func (a *assembler) push(p *rtp.Packet) {
	if a.started {
		a.store(p)
		return
	}
	if !a.vp8.IsPartitionHead(p.Payload) {
		if len(a.pending) == maxPending {
			a.pending = a.pending[1:]
		}
		a.pending = append(a.pending, p)
		return
	}
	a.started, a.next, a.highest = true, p.SequenceNumber, p.SequenceNumber
	a.store(p)
	for _, q := range a.pending {
		if seqAfter(q.SequenceNumber, p.SequenceNumber) {
			a.store(q)
		}
	}
	a.pending = nil
}

func (a *assembler) store(p *rtp.Packet) {
	seq := p.SequenceNumber
	ahead := int(int16(seq - a.next))
	if ahead < 0 {
		a.onLate()
		return
	}
	if ahead >= ringSize {
		// A jump this far (sender restart, long outage): start over here.
		for i := range a.ring {
			if a.ring[i] != nil {
				a.ring[i] = nil
				a.dropped++
			}
		}
		a.next, a.highest = seq, seq
	}
	slot := &a.ring[seq%ringSize]
	if *slot != nil {
		a.onLate()
		return
	}
	*slot = p
	if seqAfter(seq, a.highest) {
		a.highest = seq
	}
}

func (a *assembler) at(seq uint16) *rtp.Packet { return a.ring[seq%ringSize] }

// giveUp drops the packet at next, or counts it lost, and moves past it.
func (a *assembler) giveUp() {
	a.dropped++
	a.ring[a.next%ringSize] = nil
	a.next++
}

// pop returns the next complete frame, or nil if none is ready. The
// frame's Data is valid until the next pop.
func (a *assembler) pop() *media.Sample {
	for a.started && !seqAfter(a.next, a.highest) {
		p := a.at(a.next)
		switch {
		case p == nil:
			if !a.stale() {
				return nil
			}
			a.giveUp()
		case len(p.Payload) == 0:
			// Padding (bandwidth probing) takes a sequence number only.
			a.ring[a.next%ringSize] = nil
			a.next++
		case !a.vp8.IsPartitionHead(p.Payload):
			// The start of this packet's frame was given up already.
			a.giveUp()
		default:
			end, ok := a.frameEnd()
			if !ok {
				if !a.stale() {
					return nil
				}
				for a.at(a.next) != nil {
					a.giveUp()
				}
				continue
			}
			if s := a.build(end); s != nil {
				return s
			}
		}
	}
	return nil
}

// frameEnd finds the last packet of the frame starting at next: the one
// with the marker bit, or the one before a packet with a new timestamp. It
// reports false while a packet of the frame is missing.
func (a *assembler) frameEnd() (uint16, bool) {
	ts := a.at(a.next).Timestamp
	for s := a.next; ; s++ {
		q := a.at(s)
		if q == nil {
			return 0, false
		}
		if q.Timestamp != ts {
			return s - 1, true
		}
		if q.Marker {
			return s, true
		}
		if s == a.highest {
			return 0, false
		}
	}
}

// stale reports whether the frame stuck at next should be given up: enough
// newer packets or newer media have arrived that its missing packets are
// not coming (NACK retransmissions arrive well within these limits).
func (a *assembler) stale() bool {
	if int(a.highest-a.next) >= maxLatePackets {
		return true
	}
	newest := a.at(a.highest)
	if newest == nil { // cannot happen while next <= highest; be safe anyway
		return true
	}
	for s := a.next; ; s++ {
		if q := a.at(s); q != nil {
			return int32(newest.Timestamp-q.Timestamp) > maxFrameDelayTicks
		}
		if s == a.highest {
			return false
		}
	}
}

// build passes on the frame from next to end.
func (a *assembler) build(end uint16) *media.Sample {
	head := a.at(a.next)
	data := a.data[:0]
	var pic *pictureID
	ok := true
	for s := a.next; ; s++ {
		q := a.at(s)
		a.ring[s%ringSize] = nil
		payload, err := a.vp8.Unmarshal(q.Payload)
		if err != nil {
			ok = false
		}
		if s == a.next && err == nil && a.vp8.I == 1 {
			pic = &pictureID{id: a.vp8.PictureID}
		}
		data = append(data, payload...)
		if s == end {
			break
		}
	}
	a.data = data
	count := end - a.next + 1
	a.next = end + 1
	if !ok {
		a.dropped += count
		return nil
	}
	s := &media.Sample{Data: data, PacketTimestamp: head.Timestamp, PrevDroppedPackets: a.dropped, Metadata: pic}
	a.dropped = 0
	return s
}
