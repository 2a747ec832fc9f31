package receive

import (
	"testing"

	"github.com/pion/rtp"
)

// vp8Pkt makes a VP8 RTP packet: start marks a frame's first packet, and
// the payload descriptor carries no picture ID.
func vp8Pkt(seq uint16, ts uint32, start, marker bool, body byte) *rtp.Packet {
	d := byte(0)
	if start {
		d = 0x10
	}
	return &rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: ts, Marker: marker}, Payload: []byte{d, body}}
}

func popAll(a *assembler) (out [][]byte) {
	for s := a.pop(); s != nil; s = a.pop() {
		out = append(out, s.Data)
	}
	return out
}

func TestAssemblerDropsDuplicatesAndLatePackets(t *testing.T) {
	late := 0
	a := newAssembler(func() { late++ })
	for f := 0; f < 4; f++ {
		a.push(vp8Pkt(uint16(2*f), uint32(f*3000), true, false, byte(2*f)))
		a.push(vp8Pkt(uint16(2*f+1), uint32(f*3000), false, true, byte(2*f+1)))
		if f == 1 {
			a.push(vp8Pkt(uint16(2*f+1), uint32(f*3000), false, true, 99)) // duplicate
		}
	}
	if got := popAll(a); len(got) != 3 || string(got[1]) != "\x02\x03" {
		t.Fatalf("got %q", got)
	}
	a.push(vp8Pkt(0, 0, true, true, 7)) // long after its frame went out
	if late != 2 || len(popAll(a)) != 0 {
		t.Fatalf("late %d, want the duplicate and the old packet", late)
	}
}

func TestAssemblerWaitsForGapAndKeepsReorderedStart(t *testing.T) {
	a := newAssembler(func() {})
	// The first frame's second packet overtakes its first.
	a.push(vp8Pkt(11, 0, false, true, 2))
	a.push(vp8Pkt(10, 0, true, false, 1))
	// Next frame: three packets, the middle one late. A frame is released
	// once a packet after it has arrived.
	a.push(vp8Pkt(12, 3000, true, false, 3))
	if got := popAll(a); len(got) != 1 || string(got[0]) != "\x01\x02" {
		t.Fatalf("got %q, want the first frame", got)
	}
	a.push(vp8Pkt(14, 3000, false, true, 5))
	a.push(vp8Pkt(15, 6000, true, true, 6))
	if got := popAll(a); len(got) != 0 {
		t.Fatalf("released %q with a packet missing", got)
	}
	a.push(vp8Pkt(13, 3000, false, false, 4))
	if got := popAll(a); len(got) != 1 || string(got[0]) != "\x03\x04\x05" {
		t.Fatalf("got %q", got)
	}
}
