package protocol

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// decodeFastMatchesJSON fails t if the fast path accepts data but
// encoding/json refuses it or reads it into a different Message.
func decodeFastMatchesJSON(t *testing.T, data []byte) (accepted bool) {
	t.Helper()
	var fast Message
	p := scanner{data: data}
	if !p.message(&fast, &Message{}) {
		return false
	}
	var slow Message
	if err := json.Unmarshal(data, &slow); err != nil {
		t.Fatalf("fast path accepted %q, encoding/json refuses it: %v", data, err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%q: fast path read %+v, encoding/json %+v", data, fast, slow)
	}
	return true
}

// The frames the relay carries must take the fast path, or the saving is
// silently lost; and they must read exactly as encoding/json reads them.
func TestDecodeFastTakesRelayFrames(t *testing.T) {
	offer, err := os.ReadFile("testdata/chrome-offer.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, frame := range [][]byte{
		offer,
		bytes.ReplaceAll(offer, []byte(`"offer"`), []byte(`"answer"`)),
		candidateFrame,
		[]byte(`{"type":"new-ice-candidate","target":"bob","candidate":{"candidate":"","sdpMid":"1","sdpMLineIndex":65535,"usernameFragment":"ab/c\/d"}}`),
		[]byte(` { "type" : "hang-up" , "name" : "al\"ice" , "target" : "bob" , "reason" : "busy" } `),
		[]byte(`{"type":"media-state","name":"a","target":"bob","audio":true,"video":false}`),
		[]byte(`{"type":"message","text":"héllo \\ \b\f\n\r\t wörld 😀","id":-12,"date":1700000000456}`),
		[]byte(`{"type":"username","name":"  bob  ","id":0,"date":-0}`),
		[]byte(`{"type":"hello","resume":"0123456789abcdef"}`),
		[]byte(`{}`),
		[]byte(`{"type":"video-offer","target":"bob","sent":1763712000123456789,"sdp":{"type":"offer","sdp":"v=0\r\n"}}`), // parley-sigload's frames
		[]byte(`{"type":"x-parley-mute","target":"bob","muted":true,"level":-0.5e+3,"why":null,"note":"a\"b","sdp":{"type":"offer","sdp":"v=0","x":1},"candidate":{"candidate":"c","x":"y"}}`),
	} {
		if !decodeFastMatchesJSON(t, frame) {
			t.Errorf("fast path refused %.80q", frame)
		}
	}
}

// Everything outside the plain subset goes to encoding/json, which alone
// knows its meaning (or its exact error).
func TestDecodeFastLeavesTheRestToJSON(t *testing.T) {
	for _, frame := range []string{
		`{"type":"hello","features":["user-delta"]}`, // arrays
		`{"type":"x","target":"b","muted":[true]}`,   // unknown key with an array
		`{"type":"x","target":"b","muted":{}}`,       // unknown key with an object
		`{"type":"x","target":"b","muted":"\u0041"}`, // unknown key with a \u escape
		`{"type":"x","target":"b","sent":1.}`,
		`{"type":"x","target":"b","sent":-}`,
		`{"type":"x","target":"b","sent":1e}`,
		`{"type":"x","target":"b","sent":nul}`,
		`{"type":"x","candidate":{"SDPMID":"0"}}`,
		`{"type":"x","sdp":{"SDP":"v=0"}}`,
		`{"Type":"hang-up","target":"b"}`,      // case-folded key
		`{"t\u0079pe":"hang-up","target":"b"}`, // escaped key
		`{"type":"hang-up","target":"b","target":"c"}`,
		`{"type":"video-offer","target":"b","sdp":{"type":"offer"},"sdp":{"sdp":"v=0"}}`, // encoding/json merges these
		`{"type":null}`,
		`{"type":"\u0068ang-up","target":"b"}`,
		`{"type":"hang-up","target":"b\x01"}`,
		`{"type":"hang-up","target":"b\xff"}`,
		`{"type":"hang-up","target":"b\q"}`,
		`{"type":"x","id":1.5}`,
		`{"type":"x","id":1e3}`,
		`{"type":"x","id":01}`,
		`{"type":"x","id":1234567890123456789}`,
		`{"type":"x","date":-}`,
		`{"type":"x","candidate":{"sdpMLineIndex":65536}}`,
		`{"type":"x","candidate":{"sdpMLineIndex":-1}}`,
		`{"type":"x","audio":truex}`,
		`{"type":"x","audio":1}`,
		`{"type":"x"} {}`,
		`{"type":"x",}`,
		`{"type":"x"`,
		`{"type":"x` + strings.Repeat(`\`, 7) + `"}`,
	} {
		if decodeFastMatchesJSON(t, []byte(frame)) {
			t.Errorf("fast path took %q", frame)
		}
	}
}

// FuzzDecodeFastMatchesJSON checks that the fast path never accepts a frame
// that encoding/json refuses or reads differently.
func FuzzDecodeFastMatchesJSON(f *testing.F) {
	offer, err := os.ReadFile("testdata/chrome-offer.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(offer)
	f.Add(candidateFrame)
	f.Add([]byte(`{"type":"media-state","name":"a","target":"bob","audio":true,"video":false,"id":-5,"date":0}`))
	f.Add([]byte(`{"type":"message","text":"héllo \\ \b\f\n\r\t wörld","reason":"x","resume":"y"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeFastMatchesJSON(t, data)
	})
}

// Every member the fast path reads, at the top level and inside "sdp" and
// "candidate", with values of every JSON kind and edge: whatever the fast
// path accepts must read as encoding/json reads it.
func TestDecodeFastMatchesJSONOnEveryMemberAndValue(t *testing.T) {
	keys := []string{"type", "id", "name", "target", "date", "text", "reason", "resume", "audio", "video",
		"candidate", "sdp", "sdpMid", "sdpMLineIndex", "usernameFragment", "Name", "users", "USERS", "code",
		"message", "Message", "iceServers", "SDPMid", "Candidate", "sent", "x-ext", ""}
	values := []string{`""`, `"a"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"é😀"`, "\"\xc3\"", `"\u00e9"`, `null`, `true`, `false`,
		`0`, `-0`, `7`, `-7`, `65535`, `65536`, `999999999999999999`, `-999999999999999999`, `1.0`, `1e2`, `01`,
		`-1.5E-7`, `2e+9`, `1.`, `.5`, `-`, `1e`, `0x1`, `tru`, `nul`,
		`[]`, `["a"]`, `{}`, `{"type":"offer","sdp":"v=0"}`, `{"candidate":"c","sdpMid":"0","sdpMLineIndex":1}`}
	for _, key := range keys {
		for _, value := range values {
			member := `"` + key + `":` + value
			for _, frame := range []string{
				`{"type":"x","target":"b",` + member + `}`,
				`{"type":"x","sdp":{` + member + `}}`,
				`{"type":"x","candidate":{` + member + `}}`,
			} {
				decodeFastMatchesJSON(t, []byte(frame))
			}
		}
	}
}
