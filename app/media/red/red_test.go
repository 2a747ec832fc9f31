package red

import (
	"bytes"
	"errors"
	"testing"
)

func TestPayloadCarriesThePreviousFrame(t *testing.T) {
	p := &Payloader{PayloadType: 111, Samples: 960}
	frames := [][]byte{{1, 2, 3}, {4, 5}, {6, 7, 8, 9}}
	for i, f := range frames {
		out := p.Payload(1200, f)
		if len(out) != 1 {
			t.Fatalf("frame %d: %d payloads", i, len(out))
		}
		red, primary, err := Split(out[0])
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if primary.PayloadType != 111 || !bytes.Equal(primary.Payload, f) {
			t.Fatalf("frame %d: primary %+v", i, primary)
		}
		if i == 0 {
			if len(red) != 0 {
				t.Fatalf("first frame has redundancy %+v", red)
			}
			continue
		}
		if len(red) != 1 || red[0].PayloadType != 111 || red[0].Offset != 960 || !bytes.Equal(red[0].Payload, frames[i-1]) {
			t.Fatalf("frame %d: redundancy %+v, want the frame before at 960", i, red)
		}
	}
}

// Chromium's packet layout, by hand: one redundant block of 3 bytes at
// offset 960, then the primary.
func TestSplitChromiumLayout(t *testing.T) {
	h := uint32(960)<<10 | 3
	in := []byte{0x80 | 111, byte(h >> 16), byte(h >> 8), byte(h), 111, 0xa, 0xb, 0xc, 0xd, 0xe}
	red, primary, err := Split(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(red) != 1 || red[0].Offset != 960 || !bytes.Equal(red[0].Payload, []byte{0xa, 0xb, 0xc}) {
		t.Fatalf("redundant %+v", red)
	}
	if !bytes.Equal(primary.Payload, []byte{0xd, 0xe}) {
		t.Fatalf("primary %+v", primary)
	}
}

func TestLargeFrameGoesAlone(t *testing.T) {
	p := &Payloader{PayloadType: 111, Samples: 960}
	p.Payload(1200, make([]byte, 700))
	out := p.Payload(1200, make([]byte, 600)) // 700 + 600 + 5 > 1200
	red, primary, err := Split(out[0])
	if err != nil || len(red) != 0 || len(primary.Payload) != 600 {
		t.Fatalf("red %d blocks, primary %d bytes, err %v", len(red), len(primary.Payload), err)
	}
	p.Payload(1200, make([]byte, 1100))
	out = p.Payload(1200, []byte{1}) // the previous frame is over 1023 bytes
	if red, _, _ := Split(out[0]); len(red) != 0 {
		t.Fatalf("a frame over RED's 10-bit length was carried again")
	}
}

func TestSplitRefusesMalformed(t *testing.T) {
	for _, in := range [][]byte{
		nil,
		{0x80 | 111},                     // a redundant header cut short
		{0x80 | 111, 0, 0, 5},            // no primary header after it
		{0x80 | 111, 0, 0, 5, 111, 1, 2}, // block longer than what follows
	} {
		if _, _, err := Split(in); !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrEmpty) {
			t.Errorf("Split(%v): %v", in, err)
		}
	}
}

func FuzzSplit(f *testing.F) {
	p := &Payloader{PayloadType: 111, Samples: 960}
	p.Payload(1200, []byte{1, 2, 3})
	f.Add(p.Payload(1200, []byte{4, 5})[0])
	f.Add([]byte{111})
	f.Fuzz(func(t *testing.T, in []byte) {
		red, primary, err := Split(in)
		if err != nil {
			return
		}
		n := 1 + len(primary.Payload)
		for _, b := range red {
			n += 4 + len(b.Payload)
		}
		if n != len(in) {
			t.Fatalf("blocks and headers cover %d of %d bytes", n, len(in))
		}
	})
}
