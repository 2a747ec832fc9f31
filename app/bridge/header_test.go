package bridge

import (
	"bytes"
	"errors"
	"testing"

	"github.com/parleyhq/parley/app/frames"
)

func encodeMessage(h Header) []byte {
	msg := make([]byte, HeaderSize+h.I420Size())
	h.put(msg)
	return msg
}

// jpegMessage is a FormatJPEG message of h carrying payload.
func jpegMessage(h Header, payload []byte) []byte {
	h.Format = FormatJPEG
	msg := make([]byte, HeaderSize, HeaderSize+len(payload))
	h.put(msg)
	return append(msg, payload...)
}

func TestDecodeHeaderJPEG(t *testing.T) {
	want := Header{Stream: frames.Remote, Format: FormatJPEG, Seq: 3, Width: 976, Height: 549, Captured: 1, Sent: 2}
	got, err := DecodeHeader(jpegMessage(want, []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0xFF, 0xD9}))
	if err != nil || got != want {
		t.Fatalf("got %+v, %v; want %+v", got, err, want)
	}
	for name, payload := range map[string][]byte{
		"empty":    nil,
		"short":    {0xFF, 0xD8, 0xFF},
		"no SOI":   {0x00, 0xD8, 0xFF, 0xD9},
		"I420-ish": make([]byte, 976*549*3/2),
	} {
		_, err := DecodeHeader(jpegMessage(want, payload))
		var he *HeaderError
		if !errors.As(err, &he) || he.Code != ErrJPEG {
			t.Errorf("%s: error %v, want code ErrJPEG", name, err)
		}
	}
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
	if want.I420Size() != 641*479+2*321*240 {
		t.Fatalf("payload %d", want.I420Size())
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
		{"format", mutate(func(b []byte) []byte { b[4] = 3; return b }), ErrFormat},
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
	f.Add(jpegMessage(Header{Stream: frames.Remote, Width: 2, Height: 2}, []byte{0xFF, 0xD8, 0xFF, 0xD9}))
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
		switch payload := msg[HeaderSize:]; h.Format {
		case FormatI420:
			if len(payload) != h.I420Size() {
				t.Fatalf("accepted %d bytes for %dx%d", len(msg), h.Width, h.Height)
			}
		case FormatJPEG:
			if len(payload) < minJPEG || payload[0] != 0xFF || payload[1] != 0xD8 {
				t.Fatalf("accepted JPEG payload %x", payload)
			}
		default:
			t.Fatalf("accepted format %d", h.Format)
		}
	})
}
