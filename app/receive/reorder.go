package receive

import "github.com/pion/rtp"

// reorderWindow is how far ahead of the next expected packet the reorder
// buffer accepts packets; anything further means the sender restarted its
// sequence (or a long outage) and the buffer starts over.
const reorderWindow = 64

// reorder puts audio packets back in sequence-number order. It holds a
// packet back only while an earlier one is missing, and gives the missing
// one up once more than depth later packets have arrived: with 20 ms Opus
// packets a depth of 3 would tolerate 60 ms of reordering, and delay every
// loss by as much (the audio receiver uses 0; see reorderDepth).
// Arrival-time jitter is absorbed later, by the speaker's playout buffer,
// so this one adds no delay to an in-order stream.
type reorder struct {
	depth   int
	slots   [reorderWindow]*rtp.Packet
	next    uint16 // sequence number to hand out next
	started bool
	held    int

	late, duplicate, resets uint64
}

// push stores p, dropping it if it comes after its turn or twice.
func (r *reorder) push(p *rtp.Packet) {
	if !r.started {
		r.next, r.started = p.SequenceNumber, true
	}
	ahead := int16(p.SequenceNumber - r.next)
	switch {
	case ahead < 0 && -int(ahead) <= reorderWindow:
		r.late++
		return
	case ahead < 0 || int(ahead) >= reorderWindow:
		// Far behind is no late packet either: a sender whose new track
		// numbers its packets from a new random start.
		r.restart(p.SequenceNumber)
	}
	i := p.SequenceNumber % reorderWindow
	if r.slots[i] != nil {
		r.duplicate++
		return
	}
	r.slots[i] = p
	r.held++
}

// peek returns the packet pop would return next, if it is here, without
// taking it: after a loss, the packet whose FEC can rebuild the lost one.
func (r *reorder) peek() *rtp.Packet {
	if r.held == 0 {
		return nil
	}
	return r.slots[r.next%reorderWindow]
}

// pop returns the next packet in order. When that packet is given up as
// lost it returns (nil, true); when it may still come, (nil, false).
func (r *reorder) pop() (p *rtp.Packet, lost bool) {
	if r.held == 0 {
		return nil, false
	}
	i := r.next % reorderWindow
	if p = r.slots[i]; p != nil {
		r.slots[i] = nil
		r.held--
		r.next++
		return p, false
	}
	if r.held > r.depth {
		r.next++
		return nil, true
	}
	return nil, false
}

// behind says whether seq's turn has passed.
func (r *reorder) behind(seq uint16) bool {
	return r.started && int16(seq-r.next) < 0
}

// restart forgets what is held and expects seq next: a new stream.
func (r *reorder) restart(seq uint16) {
	r.slots = [reorderWindow]*rtp.Packet{}
	r.held = 0
	r.next = seq
	r.resets++
}

// giveUp gives the next packet up as lost before any later one is here
// (the receiver concealed it in time); if it comes, it is late.
func (r *reorder) giveUp() {
	if r.started {
		r.next++
	}
}
