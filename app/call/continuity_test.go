package call

import (
	"testing"

	"github.com/pion/rtp"
)

func TestContinuityJoinsBindings(t *testing.T) {
	c := continuity{clockRate: 90000}
	first := c.nextGen()
	h := rtp.Header{SequenceNumber: 65534, Timestamp: 1000}
	if !c.rewrite(first, &h) {
		t.Fatal("dropped while not blocked")
	}
	if h.SequenceNumber != 65534 || h.Timestamp != 1000 {
		t.Fatalf("the first binding was changed: %+v", h)
	}
	h = rtp.Header{SequenceNumber: 65535, Timestamp: 4000}
	c.rewrite(first, &h)

	// A new binding starts somewhere random; it must continue at 0 (after
	// the wrap) with a later timestamp, and keep its own spacing.
	second := c.nextGen()
	h = rtp.Header{SequenceNumber: 1234, Timestamp: 99}
	c.rewrite(second, &h)
	if h.SequenceNumber != 0 || h.Timestamp <= 4000 {
		t.Fatalf("new binding's first packet: %+v", h)
	}
	ts := h.Timestamp
	h = rtp.Header{SequenceNumber: 1235, Timestamp: 99 + 3000}
	c.rewrite(second, &h)
	if h.SequenceNumber != 1 || h.Timestamp != ts+3000 {
		t.Fatalf("new binding's second packet: %+v", h)
	}

	// Blocked (camera off, mute): nothing goes out, whatever the binding.
	c.block(true)
	if c.rewrite(second, &rtp.Header{SequenceNumber: 1236}) {
		t.Fatal("a blocked sender let a packet through")
	}
}
