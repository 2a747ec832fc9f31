package protocol

import (
	"encoding/json"
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

// FuzzStamp checks that stamping never crashes, and that on success the
// result is an object whose name is exactly the given one and whose other
// fields are unchanged.
func FuzzStamp(f *testing.F) {
	f.Add([]byte(`{"type":"hang-up","target":"b"}`), "alice")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		out, err := Stamp(data, name)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		var before, after map[string]json.RawMessage
		if err := json.Unmarshal(data, &before); err != nil {
			t.Fatalf("Stamp accepted what json rejects: %v", err)
		}
		if err := json.Unmarshal(out, &after); err != nil {
			t.Fatalf("Stamp produced invalid JSON %q: %v", out, err)
		}
		var got string
		if err := json.Unmarshal(after["name"], &got); err != nil {
			t.Fatalf("name %s: %v", after["name"], err)
		}
		want, _ := json.Marshal(name)
		var wantName string
		json.Unmarshal(want, &wantName) // invalid UTF-8 becomes U+FFFD on both sides
		if got != wantName {
			t.Fatalf("name = %q, want %q", got, wantName)
		}
		for k := range before {
			if k != "name" && after[k] == nil {
				t.Fatalf("field %q lost", k)
			}
		}
	})
}
