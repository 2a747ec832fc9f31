package protocol

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

func TestStampOverwritesForgedName(t *testing.T) {
	out, err := Stamp([]byte(`{"type":"video-offer","name":"mallory","target":"bob","sdp":{"type":"offer","sdp":"v=0"},"x":[1,2]}`), "alice")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	if m["name"] != "alice" || m["target"] != "bob" || m["sdp"].(map[string]any)["sdp"] != "v=0" || len(m["x"].([]any)) != 2 {
		t.Fatalf("stamped %s", out)
	}
}

func TestStampAddsMissingName(t *testing.T) {
	out, err := Stamp([]byte(`{"type":"new-ice-candidate","target":"b","candidate":{"candidate":""}}`), "a")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(out)
	if err != nil || m.Name != "a" {
		t.Fatalf("stamped %s: %v", out, err)
	}
}

func TestStampRejectsNonObjects(t *testing.T) {
	if _, err := Stamp([]byte(`[1]`), "a"); err == nil {
		t.Fatal("stamped an array")
	}
}

func TestStampDropsEveryNameSpelling(t *testing.T) {
	out, err := Stamp([]byte(`{"name":"a","type":"hang-up","n\u0061me":"b","target":"c","name":"d","NAME":"e"}`), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"name":"alice","type":"hang-up","target":"c","NAME":"e"}` {
		t.Fatalf("stamped %s", out)
	}
}

func TestStampKeepsMembersAsSent(t *testing.T) {
	in := `{ "type" : "x" , "target":"b", "n":[1,{"a":"}]\""}], "z":null }`
	out, err := Stamp([]byte(in), "a")
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"name":"a","type" : "x","target":"b","n":[1,{"a":"}]\""}],"z":null}` {
		t.Fatalf("stamped %s", out)
	}
}

// FuzzStamp checks that stamping never crashes, and that for every valid
// JSON object the result is valid JSON whose "name" is exactly the given
// one and whose other members mean what they meant.
func FuzzStamp(f *testing.F) {
	f.Add([]byte(`{"type":"hang-up","target":"b"}`), "alice")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		out, err := Stamp(data, name)
		var before map[string]any
		if json.Unmarshal(data, &before) != nil {
			return // Stamp's input has passed Decode; nothing to compare
		}
		if err != nil {
			t.Fatalf("valid object %q rejected: %v", data, err)
		}
		var after map[string]any
		if err := json.Unmarshal(out, &after); err != nil {
			t.Fatalf("Stamp produced invalid JSON %q: %v", out, err)
		}
		var wantName string
		enc, _ := json.Marshal(name)
		if !bytes.HasPrefix(out, append([]byte(`{"name":`), enc...)) {
			t.Fatalf("name %q written as %.80s, encoding/json writes %s", name, out, enc)
		}
		if len(out) > StampedLen(data, name) {
			t.Fatalf("stamped %d bytes, more than StampedLen's %d", len(out), StampedLen(data, name))
		}
		json.Unmarshal(enc, &wantName) // invalid UTF-8 becomes U+FFFD on both sides
		if after["name"] != wantName {
			t.Fatalf("name = %q, want %q", after["name"], wantName)
		}
		delete(before, "name")
		delete(after, "name")
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("members changed: %v became %v", before, after)
		}
	})
}

// The relay writes the sender's name itself; it must come out as
// encoding/json writes it, escapes included.
func TestStampQuotesNamesAsEncodingJSON(t *testing.T) {
	for _, name := range []string{"alice", "", `a"b\c`, "<script>&", "tab\there\n\r\b\f\x01\x1f\x7f",
		"Zoë 😀", "bad \xff\xc3 utf-8", "line\u2028para\u2029", "\u00e9\u200f"} {
		out, err := Stamp([]byte(`{"type":"hang-up","target":"b"}`), name)
		if err != nil {
			t.Fatal(err)
		}
		enc, _ := json.Marshal(name)
		if want := `{"name":` + string(enc) + `,"type":"hang-up","target":"b"}`; string(out) != want {
			t.Errorf("stamped %s, want %s", out, want)
		}
	}
}
