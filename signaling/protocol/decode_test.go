package protocol

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestDecodeMDNMessages(t *testing.T) {
	for _, tc := range []struct {
		frame string
		check func(*Message) bool
	}{
		{`{"name":"alice","date":1700000000456,"id":1700000000123,"type":"username"}`,
			func(m *Message) bool { return m.Name == "alice" && m.ID == 1700000000123 }},
		{`{"type":"username","name":"  bob  "}`, func(m *Message) bool { return m.Name == "bob" }},
		{`{"text":"hi <b>","type":"message","id":1,"date":2}`, func(m *Message) bool { return m.Text == "hi <b>" }},
		{`{"type":"hello","features":["user-delta"]}`, func(m *Message) bool { return m.Features[0] == FeatureUserDelta }},
		{`{"type":"new-ice-candidate","target":"bob","candidate":{"candidate":"candidate:1 1 udp 1 10.0.0.1 9 typ host","sdpMid":"0","sdpMLineIndex":0}}`,
			func(m *Message) bool { return *m.Candidate.SDPMLineIndex == 0 && *m.Candidate.SDPMid == "0" }},
		{`{"name":"a","target":"bob","type":"hang-up"}`, func(m *Message) bool { return m.Target == "bob" }},
		{`{"type":"x-parley-mute","target":"bob","muted":true}`, func(m *Message) bool { return m.Type == "x-parley-mute" }},
	} {
		m, err := Decode([]byte(tc.frame))
		if err != nil {
			t.Errorf("%s: %v", tc.frame, err)
			continue
		}
		if !tc.check(m) {
			t.Errorf("%s: decoded %+v", tc.frame, m)
		}
	}
}

func TestDecodeChromeOffer(t *testing.T) {
	data, err := os.ReadFile("testdata/chrome-offer.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if m.Type != TypeVideoOffer || m.SDP.Type != "offer" || !strings.HasPrefix(m.SDP.SDP, "v=0\r\n") {
		t.Fatalf("decoded %s %+v", m.Type, m.SDP.Type)
	}
}

func TestDecodeRejects(t *testing.T) {
	for frame, code := range map[string]ErrorCode{
		``:                                  ErrBadJSON,
		`[1]`:                               ErrBadJSON,
		`{"type":`:                          ErrBadJSON,
		`{"type":42}`:                       ErrBadJSON,
		`{"type":"hello"} {}`:               ErrBadJSON,
		`{"name":"x"}`:                      ErrMissingField,
		`{"type":"username"}`:               ErrBadName,
		`{"type":"username","name":"a\tb"}`: ErrBadName,
		`{"type":"username","name":"` + strings.Repeat("é", 33) + `"}`:                 ErrBadName,
		`{"type":"message","text":"   "}`:                                              ErrMissingField,
		`{"type":"message","text":"` + strings.Repeat("x", MaxTextRunes+1) + `"}`:      ErrTextTooLong,
		`{"type":"video-offer","target":"b"}`:                                          ErrMissingField,
		`{"type":"video-answer","sdp":{"type":"answer","sdp":"v=0"}}`:                  ErrMissingField,
		`{"type":"new-ice-candidate","target":"b"}`:                                    ErrMissingField,
		`{"type":"hang-up"}`:                                                           ErrMissingField,
		`{"type":"userlist","users":["x"]}`:                                            ErrUnsupported,
		`{"type":"x-unknown"}`:                                                         ErrUnsupported,
		`{"type":"x","target":"b","pad":"` + strings.Repeat("x", MaxFrameBytes) + `"}`: ErrTooLarge,
	} {
		_, err := Decode([]byte(frame))
		var pe *Error
		if !errors.As(err, &pe) || pe.Code != code {
			t.Errorf("%.60s: error %v, want %s", frame, err, code)
		}
	}
}

// The decoder's errors never echo the client's bytes back.
func TestDecodeErrorDoesNotEchoInput(t *testing.T) {
	_, err := Decode([]byte(`{"type":"hello","features":"<script>"}`))
	if err == nil || strings.Contains(err.Error(), "<script>") {
		t.Fatalf("error = %v", err)
	}
}

// FuzzDecode checks that no input crashes the decoder, that every failure is
// a typed *Error, and that whatever it accepts re-encodes to a frame it
// accepts again and can be stamped for relaying.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"type":"hello"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Code == "" {
				t.Fatalf("untyped error %v", err)
			}
			if m != nil {
				t.Fatal("message returned with an error")
			}
			return
		}
		again, err := Decode(Encode(m))
		if err != nil {
			t.Fatalf("re-encoded %s fails: %v", Encode(m), err)
		}
		if again.Type != m.Type || again.Target != m.Target || again.Name != m.Name {
			t.Fatalf("round trip changed %+v into %+v", m, again)
		}
		stamped, err := Stamp(data, "server-name")
		if err != nil {
			t.Fatalf("accepted frame cannot be stamped: %v", err)
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(stamped, &fields); err != nil || string(fields["name"]) != `"server-name"` {
			t.Fatalf("stamped frame %s: %v", stamped, err)
		}
	})
}

// media-state must say both what is sent and to whom: a peer that reads a
// missing field as false would show "camera off" for a camera that is on.
func TestDecodeMediaState(t *testing.T) {
	m, err := Decode([]byte(`{"type":"media-state","target":"bob","audio":false,"video":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Type != TypeMediaState || m.Target != "bob" || m.Audio == nil || *m.Audio || m.Video == nil || !*m.Video {
		t.Fatalf("decoded %+v", m)
	}
	again, err := Decode(Encode(m))
	if err != nil || *again.Audio != false || *again.Video != true {
		t.Fatalf("re-encoded %s: %+v, %v", Encode(m), again, err)
	}
	for frame, code := range map[string]ErrorCode{
		`{"type":"media-state","audio":true,"video":true}`:                ErrMissingField,
		`{"type":"media-state","target":"bob","video":true}`:              ErrMissingField,
		`{"type":"media-state","target":"bob","audio":true}`:              ErrMissingField,
		`{"type":"media-state","target":"bob","audio":null,"video":true}`: ErrMissingField,
		`{"type":"media-state","target":"bob","audio":"no","video":true}`: ErrBadJSON,
		`{"type":"media-state","target":"bob","audio":true,"video":1}`:    ErrBadJSON,
	} {
		_, err := Decode([]byte(frame))
		var pe *Error
		if !errors.As(err, &pe) || pe.Code != code {
			t.Errorf("%s: error %v, want %s", frame, err, code)
		}
	}
}

// The relay stamps the sender's name and leaves the booleans as sent, so a
// forged name cannot make one user's state show on another's call.
func TestStampMediaState(t *testing.T) {
	out, err := Stamp([]byte(`{"type":"media-state","name":"mallory","target":"bob","audio":false,"video":false}`), "alice")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(out)
	if err != nil || m.Name != "alice" || *m.Audio || *m.Video {
		t.Fatalf("stamped %s: %+v, %v", out, m, err)
	}
}
