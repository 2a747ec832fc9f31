package protocol

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"testing"
)

// routeMatchesDecode fails t unless DecodeRoute, into a Message that last
// held prev's frame, accepts and refuses data exactly as Decode does, with
// the same error, and reads the same fields but for the relayed bodies.
func routeMatchesDecode(t *testing.T, prev, data []byte) {
	t.Helper()
	var m Message
	DecodeRoute(prev, &m) // whatever it leaves must not leak into the next frame
	routeErr := DecodeRoute(data, &m)
	want, err := Decode(data)
	if err != nil {
		var pe, re *Error
		if !errors.As(err, &pe) || !errors.As(routeErr, &re) || *pe != *re {
			t.Fatalf("%.200q: Decode fails with %v, DecodeRoute with %v", data, err, routeErr)
		}
		if !reflect.DeepEqual(m, Message{}) {
			t.Fatalf("%.200q: DecodeRoute failed and left %+v", data, m)
		}
		return
	}
	if routeErr != nil {
		t.Fatalf("%.200q: Decode accepts, DecodeRoute fails with %v", data, routeErr)
	}
	if m.SDP != nil || m.Candidate != nil {
		t.Fatalf("%.200q: DecodeRoute read the bodies: %+v %+v", data, m.SDP, m.Candidate)
	}
	want.SDP, want.Candidate = nil, nil
	if !reflect.DeepEqual(m, *want) {
		t.Fatalf("%.200q after %.200q: DecodeRoute read %+v, Decode %+v", data, prev, m, *want)
	}
}

// FuzzDecodeRouteMatchesDecode checks that the server's decoder, reusing
// a Message that held any other frame, routes and refuses every frame as
// Decode does.
func FuzzDecodeRouteMatchesDecode(f *testing.F) {
	offer, err := os.ReadFile("testdata/chrome-offer.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(candidateFrame, offer)
	f.Add(offer, candidateFrame)
	f.Fuzz(routeMatchesDecode)
}

// Every relayed frame and its neighbours in the encoding/json fallback and
// in validation, each decoded after each of the others.
func TestDecodeRouteMatchesDecode(t *testing.T) {
	offer, err := os.ReadFile("testdata/chrome-offer.json")
	if err != nil {
		t.Fatal(err)
	}
	frames := [][]byte{
		offer,
		bytes.ReplaceAll(offer, []byte(`"offer"`), []byte(`"answer"`)),
		candidateFrame,
		[]byte(`{"type":"video-offer","target":"bob","sdp":{"type":"offer","sdp":""}}`),
		[]byte(`{"type":"video-offer","target":"bob","sdp":{"type":"","sdp":"v=0"}}`),
		[]byte(`{"type":"video-offer","target":"bob","sdp":{"type":"offer"}}`),
		[]byte(`{"type":"video-answer","target":"bob","sdp":{"type":"\/","sdp":"\n"}}`),
		[]byte(`{"type":"video-answer","target":"bob","sdp":{"type":"\u0061","sdp":"v=0"}}`),
		[]byte(`{"type":"video-offer","target":"bob","sdp":null}`),
		[]byte(`{"type":"video-offer","target":"bob","sdp":"v=0"}`),
		[]byte(`{"type":"video-offer","target":"bob","sdp":{"type":"offer","sdp":"v=0","x":[1]}}`),
		[]byte(`{"type":"new-ice-candidate","target":"bob","candidate":{}}`),
		[]byte(`{"type":"new-ice-candidate","target":"bob","candidate":null}`),
		[]byte(`{"type":"new-ice-candidate","target":"bob","candidate":{"sdpMLineIndex":65536}}`),
		[]byte(`{"type":"new-ice-candidate","target":"bob","candidate":{"sdpMid":1}}`),
		[]byte(`{"type":"new-ice-candidate","target":"bob"}`),
		[]byte(`{"type":"new-ice-candidate","target":"b\"ob","name":"x","candidate":{"candidate":""}}`),
		[]byte(`{"type":"hang-up","target":"bob","reason":"busy"}`),
		[]byte(`{"type":"hang-up","target":"bob","reason":"b\u0075sy"}`),
		[]byte(`{"type":"h\u0061ng-up","target":"bob"}`),
		[]byte(`{"type":"hang-up","target":"bob","reason":"x-own"}`),
		[]byte(`{"type":"media-state","target":"bob","audio":true,"video":false}`),
		[]byte(`{"type":"media-state","target":"bob","audio":null,"video":false}`),
		[]byte(`{"type":"message","text":"hi","target":"bob"}`),
		[]byte(`{"type":"message","text":"  "}`),
		[]byte(`{"type":"username","name":"  bob  ","id":7,"date":8}`),
		[]byte(`{"type":"hello","features":["user-delta"],"resume":"abc"}`),
		[]byte(`{"type":"userlist","users":["a"]}`),
		[]byte(`{"type":"x-own","target":"bob","sent":12}`),
		[]byte(`{"type":"x-own"}`),
		[]byte(`{"type":""}`),
		[]byte(`[]`),
		[]byte(`{"type":"hang-up","target":"bob"`),
		[]byte(` {"type":"hang-up","target":"bob"} `),
	}
	for _, prev := range frames {
		for _, data := range frames {
			routeMatchesDecode(t, prev, data)
		}
	}
}

// The point of DecodeRoute: a session relaying offers and candidates to
// its peer allocates nothing to decode them.
func TestDecodeRouteAllocatesNothingOnTheRelayPath(t *testing.T) {
	offer, err := os.ReadFile("testdata/chrome-offer.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, frame := range map[string][]byte{
		"offer":       offer,
		"candidate":   candidateFrame,
		"hang-up":     []byte(`{"type":"hang-up","target":"bob","reason":"busy"}`),
		"media-state": []byte(`{"type":"media-state","target":"bob","audio":true,"video":false}`),
	} {
		var m Message
		if err := DecodeRoute(frame, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := testing.AllocsPerRun(100, func() { DecodeRoute(frame, &m) }); n != 0 {
			t.Errorf("%s: %v allocations per frame", name, n)
		}
	}
}

// Stamping into a buffer of StampedLen allocates nothing either.
func TestAppendStampAllocatesNothing(t *testing.T) {
	buf := make([]byte, 0, StampedLen(candidateFrame, "Zoë <3"))
	if n := testing.AllocsPerRun(100, func() {
		buf, _ = AppendStamp(buf[:0], candidateFrame, "Zoë <3")
	}); n != 0 {
		t.Errorf("%v allocations per frame", n)
	}
}
