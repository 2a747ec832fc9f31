package bridge

import (
	"bytes"
	"errors"
	"testing"

	"github.com/parleyhq/parley/app/frames"
)

func encodeMessage(h Header) []byte {
	msg := make([]byte, HeaderSize+h.PayloadSize())
	h.put(msg)
	return msg
}

func TestDecodeHeaderRoundTrip(t *testing.T) {
	want := Header{Stream: frames.Local, Format: FormatI420, Seq: 0xdeadbeef, Width: 641, Height: 479, Captured: 1_763_700_000_000_001, Sent: 1_763_700_000_000_002}
	got, err := DecodeHeader(encodeMessage(want))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if want.PayloadSize() != 641*479+2*321*240 {
		t.Fatalf("payload %d", want.PayloadSize())
	}
}

func TestDecodeHeaderRejects(t *testing.T) {
	good := encodeMessage(Header{Stream: frames.Remote, Format: FormatI420, Width: 4, Height: 2})
	mutate := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	for _, tc := range []struct {
		name string
		msg  []byte
		code HeaderErrorCode
	}{
		{"short", good[:HeaderSize-1], ErrShort},
		{"magic", mutate(func(b []byte) []byte { b[0] = 'X'; return b }), ErrMagic},
		{"version", mutate(func(b []byte) []byte { b[2] = 2; return b }), ErrVersion},
		{"reserved", mutate(func(b []byte) []byte { b[6] = 1; return b }), ErrReserved},
		{"stream", mutate(func(b []byte) []byte { b[3] = 3; return b }), ErrStream},
		{"format", mutate(func(b []byte) []byte { b[4] = 2; return b }), ErrFormat},
		{"zero width", mutate(func(b []byte) []byte { b[12], b[13] = 0, 0; return b }), ErrDimensions},
		{"huge", mutate(func(b []byte) []byte { b[14], b[15] = 0xff, 0xff; return b }), ErrDimensions},
		{"truncated planes", good[:len(good)-1], ErrLength},
		{"extra bytes", append(bytes.Clone(good), 0), ErrLength},
	} {
		_, err := DecodeHeader(tc.msg)
		var he *HeaderError
		if !errors.As(err, &he) || he.Code != tc.code {
			t.Errorf("%s: error %v, want code %d", tc.name, err, tc.code)
		}
	}
}

// FuzzHeader checks that no input crashes the decoder and that every
// accepted header encodes back to the same bytes.
func FuzzHeader(f *testing.F) {
	f.Add(encodeMessage(Header{Stream: frames.Remote, Format: FormatI420, Width: 2, Height: 2}))
	f.Add(encodeMessage(Header{Stream: frames.Local, Format: FormatI420, Width: 3, Height: 1, Seq: 7, Captured: 1, Sent: 2}))
	f.Add([]byte("PF"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		h, err := DecodeHeader(msg)
		if err != nil {
			var he *HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		var b [HeaderSize]byte
		h.put(b[:])
		if !bytes.Equal(b[:], msg[:HeaderSize]) {
			t.Fatalf("header %+v encodes to %x, read from %x", h, b, msg[:HeaderSize])
		}
		if len(msg) != HeaderSize+h.PayloadSize() {
			t.Fatalf("accepted %d bytes for %dx%d", len(msg), h.Width, h.Height)
		}
	})
}
