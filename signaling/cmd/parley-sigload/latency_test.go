package main

import (
	"testing"
	"time"
)

func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	for i := range 98 {
		h.record(time.Duration(i) * time.Microsecond) // 0…97 µs
	}
	h.record(250 * time.Millisecond)
	h.record(time.Minute)
	if got := h.quantile(0.5); got != 50*time.Microsecond {
		t.Errorf("p50 = %v, want 50µs", got)
	}
	if got := h.quantile(0.99); got != 251*time.Millisecond {
		t.Errorf("p99 = %v, want 251ms", got)
	}
	if got := h.quantile(1); got != 10*time.Second+time.Millisecond {
		t.Errorf("max = %v, want the overflow edge", got)
	}
}

func TestCountUsers(t *testing.T) {
	for frame, want := range map[string]int{
		`{"type":"userlist","users":["a","b\"],[","c"]}`:       3,
		`{"type":"user-joined","name":"x","users":["x"]}`:      1,
		`{"type":"userlist","users":[]}`:                       0,
		`{"type":"user-left","users":["\\","]\\\"","\u00e9"]}`: 3,
	} {
		if got := countUsers([]byte(frame)); got != want {
			t.Errorf("%s: %d users, want %d", frame, got, want)
		}
	}
}

func TestSentAt(t *testing.T) {
	got, ok := sentAt([]byte(`{"name":"a","sdp":{"sdp":"\"sent\":1"},"sent":1700000000123456789,"type":"video-offer"}`))
	if !ok || got != 1700000000123456789 {
		t.Fatalf("sentAt = %d %v", got, ok)
	}
	if _, ok := sentAt([]byte(`{"type":"hang-up"}`)); ok {
		t.Fatal("found a timestamp in a frame without one")
	}
}
