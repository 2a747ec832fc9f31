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

func popAll(a *assembler) (out []string) {
	for s := a.pop(); s != nil; s = a.pop() {
		out = append(out, string(s.Data))
	}
	return out
}

func wantFrames(t *testing.T, a *assembler, want ...string) {
	t.Helper()
	got := popAll(a)
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

func TestAssemblerReleasesCompleteFrameAtOnce(t *testing.T) {
	a := newAssembler(func() {})
	seq := uint16(65530) // across the wrap
	for f := 0; f < 6; f++ {
		a.push(vp8Pkt(seq, uint32(f*3000), true, false, byte(2*f)))
		wantFrames(t, a)
		a.push(vp8Pkt(seq+1, uint32(f*3000), false, true, byte(2*f+1)))
		wantFrames(t, a, string([]byte{byte(2 * f), byte(2*f + 1)}))
		seq += 2
	}
}

func TestAssemblerReordersAndKeepsReorderedStart(t *testing.T) {
	a := newAssembler(func() {})
	// The first frame's second packet overtakes its first.
	a.push(vp8Pkt(11, 0, false, true, 2))
	a.push(vp8Pkt(10, 0, true, false, 1))
	wantFrames(t, a, "\x01\x02")
	// Three packets, the middle one late; the next frame waits behind it.
	a.push(vp8Pkt(12, 3000, true, false, 3))
	a.push(vp8Pkt(14, 3000, false, true, 5))
	a.push(vp8Pkt(15, 6000, true, true, 6))
	wantFrames(t, a)
	a.push(vp8Pkt(13, 3000, false, false, 4))
	wantFrames(t, a, "\x03\x04\x05", "\x06")
}

func TestAssemblerDropsDuplicatesAndLatePackets(t *testing.T) {
	late := 0
	a := newAssembler(func() { late++ })
	a.push(vp8Pkt(1, 0, true, false, 1))
	a.push(vp8Pkt(1, 0, true, false, 1)) // duplicate while held
	a.push(vp8Pkt(2, 0, false, true, 2))
	wantFrames(t, a, "\x01\x02")
	a.push(vp8Pkt(2, 0, false, true, 2)) // retransmission after the frame went out
	wantFrames(t, a)
	if late != 2 {
		t.Fatalf("late %d, want 2", late)
	}
}

func TestAssemblerSkipsPaddingAndGivesUpLostPackets(t *testing.T) {
	a := newAssembler(func() {})
	a.push(vp8Pkt(1, 0, true, true, 1))
	wantFrames(t, a, "\x01")
	// Padding after a frame is not a loss.
	a.push(&rtp.Packet{Header: rtp.Header{SequenceNumber: 2, Timestamp: 0}})
	a.push(vp8Pkt(3, 3000, true, true, 3))
	s := a.pop()
	if s == nil || string(s.Data) != "\x03" || s.PrevDroppedPackets != 0 {
		t.Fatalf("after padding got %+v", s)
	}
	// Packet 4 (a whole frame) is lost; later frames wait until more than
	// maxFrameDelay of media has arrived after it.
	ts := uint32(6000)
	seq := uint16(5)
	var got []string
	for ; int32(ts-6000) <= maxFrameDelayTicks; ts += 3000 {
		a.push(vp8Pkt(seq, ts, true, true, byte(seq)))
		seq++
		got = append(got, popAll(a)...)
	}
	if len(got) != 0 {
		t.Fatalf("released %q past an unexpired gap", got)
	}
	a.push(vp8Pkt(seq, ts, true, true, byte(seq)))
	first := a.pop()
	if first == nil || first.Data[0] != 5 || first.PrevDroppedPackets != 1 {
		t.Fatalf("after the gap got %+v, want frame 5 with one packet dropped", first)
	}
	if rest := popAll(a); len(rest) != int(seq-5) {
		t.Fatalf("got %d more frames, want %d", len(rest), seq-5)
	}
}

func TestAssemblerDropsFrameWithoutItsStart(t *testing.T) {
	a := newAssembler(func() {})
	a.push(vp8Pkt(1, 0, true, true, 1))
	wantFrames(t, a, "\x01")
	// Frame 2's first packet (seq 2) is lost; its second packet cannot be
	// used, and the frame after it must come out once the gap expires.
	a.push(vp8Pkt(3, 3000, false, true, 3))
	for i := uint16(0); i < maxLatePackets; i++ {
		a.push(vp8Pkt(4+i, 6000, i == 0, i == maxLatePackets-1, 4))
	}
	s := a.pop()
	if s == nil || s.PacketTimestamp != 6000 || s.PrevDroppedPackets != 2 {
		t.Fatalf("got %+v, want the frame at 6000 with two packets dropped", s)
	}
}

// Frames reuse the assembler's buffer: a frame of several packets costs
// only its Sample, not a growing byte slice.
func TestAssemblerReusesFrameBuffer(t *testing.T) {
	a := newAssembler(func() {})
	body := make([]byte, 1200)
	const runs, per = 50, 4
	pkts := make([]*rtp.Packet, 0, (runs+1)*per)
	for f := 0; f <= runs; f++ {
		for i := 0; i < per; i++ {
			seq := uint16(f*per + i)
			p := vp8Pkt(seq, uint32(f*3000), i == 0, i == per-1, byte(f))
			p.Payload = append(p.Payload, body...)
			pkts = append(pkts, p)
		}
	}
	// The first frame sizes the buffer.
	for _, p := range pkts[:per] {
		a.push(p)
	}
	if s := a.pop(); s == nil || len(s.Data) != per*(1+len(body)) {
		t.Fatalf("first frame %+v", s)
	}
	next := per
	allocs := testing.AllocsPerRun(runs-1, func() {
		for _, p := range pkts[next : next+per] {
			a.push(p)
		}
		s := a.pop()
		if s == nil || len(s.Data) != per*(1+len(body)) || s.Data[0] != byte(next/per) {
			t.Fatalf("frame %d: %+v", next/per, s)
		}
		next += per
	})
	if allocs > 1 {
		t.Errorf("%.1f allocations per frame, want only the Sample", allocs)
	}
}
