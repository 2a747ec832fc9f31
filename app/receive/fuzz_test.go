package receive

import (
	"context"
	"testing"

	"github.com/pion/rtp"
)

// packetsFrom cuts fuzz input into RTP packets: each starts with a length
// byte whose top bit is the marker; timestamps advance after a marker.
func packetsFrom(data []byte) []*rtp.Packet {
	var out []*rtp.Packet
	var seq uint16
	var ts uint32
	for len(data) > 0 {
		n := int(data[0] & 0x7f)
		marker := data[0]&0x80 != 0
		data = data[1:]
		n = min(n, len(data))
		out = append(out, &rtp.Packet{
			Header:  rtp.Header{SequenceNumber: seq, Timestamp: ts, Marker: marker},
			Payload: data[:n],
		})
		data = data[n:]
		seq++
		if marker {
			ts += 3000
		}
	}
	return out
}

// FuzzVideoReceiver feeds arbitrary packets through the sample builder and
// libvpx: the receiver must count what it cannot use and end normally.
func FuzzVideoReceiver(f *testing.F) {
	snd := newVP8Sender(f, 64, 48)
	for i := 0; i < 3; i++ {
		pkts, err := snd.next()
		if err != nil {
			f.Fatal(err)
		}
		var seed []byte
		for _, p := range pkts {
			if len(p.Payload) < 128 {
				b := byte(len(p.Payload))
				if p.Marker {
					b |= 0x80
				}
				seed = append(append(seed, b), p.Payload...)
			}
		}
		f.Add(seed)
	}
	f.Add([]byte{0x8a, 0x10, 0, 0x9d, 0x01, 0x2a, 0xff, 0xff, 0xff, 0xff, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Each run sets up a decoder and a sample builder (a few MB), so
		// long inputs make minimizing take minutes; a few packets of a
		// small picture reach the same code.
		if len(data) > 1500 {
			t.Skip("input longer than the fuzz budget")
		}
		r, err := NewVideoReceiver(closedTrack(packetsFrom(data)), VideoConfig{Sink: &frameLog{}, RequestKeyFrame: func() {}})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Run(context.Background()); err != nil {
			t.Fatalf("Run: %v", err)
		}
	})
}

// FuzzAudioReceiver feeds arbitrary Opus payloads to the decoder.
func FuzzAudioReceiver(f *testing.F) {
	enc := newToneEncoder(f, 440)
	p, err := enc.next()
	if err != nil {
		f.Fatal(err)
	}
	if len(p.Payload) < 128 {
		f.Add(append([]byte{byte(len(p.Payload))}, p.Payload...))
	}
	f.Add([]byte{4, 0xfc, 0xff, 0xff, 0xff, 2, 0x03, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		if st := runAudio(t, packetsFrom(data), AudioConfig{}).Stats(); st.PacketsDecoded+st.DecodeErrors+st.PacketsLate > st.PacketsReceived {
			t.Fatalf("stats add up to more than received: %+v", st)
		}
	})
}
