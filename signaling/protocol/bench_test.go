package protocol

import (
	"os"
	"testing"
)

// The relay path decodes and stamps every offer, answer and candidate;
// these measure both on a Chrome-sized offer and on a candidate.

var candidateFrame = []byte(`{"type":"new-ice-candidate","target":"bob","candidate":{"candidate":"candidate:842163049 1 udp 1677729535 203.0.113.7 52341 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag Zx9q network-cost 999","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"Zx9q"}}`)

func chromeOffer(b *testing.B) []byte {
	data, err := os.ReadFile("testdata/chrome-offer.json")
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkDecode(b *testing.B) {
	for name, frame := range map[string][]byte{"offer": chromeOffer(b), "candidate": candidateFrame} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(frame)))
			for b.Loop() {
				if _, err := Decode(frame); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeRoute decodes into one reused Message, as a session does.
func BenchmarkDecodeRoute(b *testing.B) {
	for name, frame := range map[string][]byte{"offer": chromeOffer(b), "candidate": candidateFrame} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(frame)))
			var m Message
			for b.Loop() {
				if err := DecodeRoute(frame, &m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkStamp(b *testing.B) {
	for name, frame := range map[string][]byte{"offer": chromeOffer(b), "candidate": candidateFrame} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(frame)))
			for b.Loop() {
				if _, err := Stamp(frame, "alice"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
