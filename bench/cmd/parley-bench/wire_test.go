package main

import (
	"encoding/binary"
	"math"
	"testing"
	"time"
)

// frame builds an Ethernet/IPv4/UDP frame holding an RTP packet of size
// bytes (UDP payload), with an abs-capture-time element when captured is
// not zero.
func frame(ssrc, rtpTime uint32, size int, captured time.Time) []byte {
	r := make([]byte, 12, size)
	r[0], r[1] = 0x80, 111
	binary.BigEndian.PutUint32(r[4:], rtpTime)
	binary.BigEndian.PutUint32(r[8:], ssrc)
	if !captured.IsZero() {
		r[0] |= 0x10
		secs := float64(captured.UnixNano())/1e9 - ntpEpoch
		ntp := uint64(secs)<<32 | uint64((secs-math.Floor(secs))*(1<<32))
		ext := []byte{0xBE, 0xDE, 0, 3, 5<<4 | 7} // one 8-byte element, ID 5
		ext = binary.BigEndian.AppendUint64(ext, ntp)
		ext = append(ext, 0, 0, 0) // padding to 12 bytes
		r = append(r, ext...)
	}
	for len(r) < size {
		r = append(r, 0xAA)
	}
	udp := make([]byte, 8, 8+len(r))
	binary.BigEndian.PutUint16(udp[4:], uint16(8+len(r)))
	udp = append(udp, r...)
	ip := make([]byte, 20, 20+len(udp))
	ip[0], ip[9] = 0x45, 17
	ip = append(ip, udp...)
	return append(make([]byte, 14), ip...)
}

func pcapOf(frames [][]byte, at []time.Time) []byte {
	b := make([]byte, 24)
	binary.LittleEndian.PutUint32(b, 0xa1b2c3d4)
	binary.LittleEndian.PutUint32(b[20:], 1)
	for i, f := range frames {
		h := make([]byte, 16)
		binary.LittleEndian.PutUint32(h, uint32(at[i].Unix()))
		binary.LittleEndian.PutUint32(h[4:], uint32(at[i].Nanosecond()/1000))
		binary.LittleEndian.PutUint32(h[8:], uint32(len(f)))
		binary.LittleEndian.PutUint32(h[12:], uint32(len(f)))
		b = append(append(b, h...), f...)
	}
	return b
}

// A sender's click is read off the wire: its packet is the first large
// one after the pause, and its capture time comes from the nearest
// abs-capture-time stamp by RTP time. The page recorded the click 8 ms
// after its capture.
func TestCaptureLeadFromTheWire(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	const ssrc = 42
	var frames [][]byte
	var at []time.Time
	for i := range 100 { // 2 s of 20 ms packets; the capture runs 11 ms ahead of the wire
		size, stamp := 60, time.Time{}
		if i == 50 || i == 51 {
			size = 140 // the click
		}
		capture := t0.Add(time.Duration(i) * 20 * time.Millisecond)
		if i%50 == 10 {
			stamp = capture
		}
		frames = append(frames, frame(ssrc, uint32(1000+i*960), size, stamp), frame(7, uint32(i*960), 200, time.Time{}))
		at = append(at, capture.Add(11*time.Millisecond), capture.Add(11*time.Millisecond))
	}
	pkts, err := parsePcap(pcapOf(frames, at))
	if err != nil {
		t.Fatal(err)
	}
	if len(pkts) != 200 || pkts[0].ssrc != ssrc || pkts[0].size != 60 || pkts[20].captured.IsZero() {
		t.Fatalf("parsed %d packets, first %+v, the 11th's stamp %v", len(pkts), pkts[0], pkts[20].captured)
	}
	click := unixMs(t0.Add(50*20*time.Millisecond)) + 8 // recorded 8 ms after capture
	lead, ok := captureLead(pkts, ssrc, []float64{click})
	if !ok || math.Abs(lead-8) > 0.01 {
		t.Fatalf("lead %.3f ms (%v), want 8", lead, ok)
	}
	if _, ok := captureLead(pkts, 7, []float64{click}); ok {
		t.Fatal("a sender without stamps gave a lead")
	}
}

func FuzzParsePcap(f *testing.F) {
	t0 := time.Unix(1_800_000_000, 0)
	f.Add(pcapOf([][]byte{frame(1, 2, 80, t0), frame(1, 962, 60, time.Time{})}, []time.Time{t0, t0}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		pkts, err := parsePcap(b)
		if err != nil && pkts != nil {
			t.Fatalf("packets with an error: %v", err)
		}
		captureLead(pkts, 1, []float64{float64(t0.UnixMilli())})
	})
}
