package call

import (
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// continuity keeps the audio sender's RTP sequence numbers and timestamps
// running on across the microphone tracks it sends. mediadevices starts
// every binding with a fresh packetizer (random sequence number and
// timestamp), so a microphone switch or an unmute would jump both
// mid-stream on the same SSRC; the peer's SRTP replay window then drops
// the new packets as replays, or its jitter buffer waits for the gap to
// fill, and the sound stops. Offsetting each binding's packets to follow
// the previous ones makes a switch look like ordinary continuation. The
// video sender needs none of this: its track keeps one packetizer and
// changes its source instead (app/media.VideoTrack).
type continuity struct {
	clockRate uint32

	mu sync.Mutex
	// blocked drops every packet: the user muted. The track is also taken
	// off the sender, but only once negotiation has started it, and an
	// encoder bound in between must not leak a frame.
	blocked bool
	gen     int // bindings so far
	current int // the binding whose packets were last rewritten
	started bool
	lastSeq uint16
	lastTS  uint32
	lastAt  time.Time
	seqOff  uint16
	tsOff   uint32
}

func (c *continuity) nextGen() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	return c.gen
}

func (c *continuity) block(b bool) {
	c.mu.Lock()
	c.blocked = b
	c.mu.Unlock()
}

// rewrite shifts h, a packet of binding gen, into the continuous sequence.
// It returns false when the packet must not be sent.
func (c *continuity) rewrite(gen int, h *rtp.Header) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.blocked {
		return false
	}
	now := time.Now()
	if gen != c.current {
		c.current = gen
		c.seqOff, c.tsOff = 0, 0
		if c.started {
			// The new binding's first packet follows the last one sent,
			// its timestamp advanced by the wall time since.
			elapsed := uint32(now.Sub(c.lastAt).Seconds()*float64(c.clockRate)) + 1
			c.seqOff = c.lastSeq + 1 - h.SequenceNumber
			c.tsOff = c.lastTS + elapsed - h.Timestamp
		}
	}
	h.SequenceNumber += c.seqOff
	h.Timestamp += c.tsOff
	c.started, c.lastSeq, c.lastTS, c.lastAt = true, h.SequenceNumber, h.Timestamp, now
	return true
}

// sendTrack is a local track as one sender sends it: it belongs to the
// call's one media stream, and its packets pass through the sender's
// continuity, if it has one.
type sendTrack struct {
	Track
	cont   *continuity // nil: the track numbers its packets itself
	stream string

	mu    sync.Mutex
	bound map[string]bool // binding contexts whose Bind succeeded
}

// StreamID puts every track of a call in one stream (a=msid). mediadevices
// gives each track its own; browsers then deliver camera and microphone as
// two MediaStreams, and clients that show ev.streams[0], as MDN's does,
// may end up showing the audio-only one.
func (t *sendTrack) StreamID() string { return t.stream }

// Bind implements webrtc.TrackLocal.
func (t *sendTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	if t.cont != nil {
		w := &continuousWriter{TrackLocalWriter: ctx.WriteStream(), cont: t.cont, gen: t.cont.nextGen()}
		ctx = &continuousContext{TrackLocalContext: ctx, w: w}
	}
	p, err := t.Track.Bind(ctx)
	if err == nil {
		t.mu.Lock()
		if t.bound == nil {
			t.bound = make(map[string]bool)
		}
		t.bound[ctx.ID()] = true
		t.mu.Unlock()
	}
	return p, err
}

// Unbind implements webrtc.TrackLocal. A mediadevices track whose Bind
// failed (its device died) keeps a registration that no goroutine serves,
// and its Unbind would wait on it forever, hanging the PeerConnection's
// Close; only successful bindings are passed on.
func (t *sendTrack) Unbind(ctx webrtc.TrackLocalContext) error {
	t.mu.Lock()
	ok := t.bound[ctx.ID()]
	delete(t.bound, ctx.ID())
	t.mu.Unlock()
	if !ok {
		return nil
	}
	return t.Track.Unbind(ctx)
}

type continuousContext struct {
	webrtc.TrackLocalContext
	w *continuousWriter
}

func (c *continuousContext) WriteStream() webrtc.TrackLocalWriter { return c.w }

type continuousWriter struct {
	webrtc.TrackLocalWriter
	cont *continuity
	gen  int
}

// WriteRTP implements webrtc.TrackLocalWriter. It never reports a failed
// write: a mediadevices track that sees one write error keeps it forever
// (every later Bind fails, and a failed Bind leaves a registration behind
// on which the next Unbind blocks for good). Writes fail only while a
// PeerConnection closes, and closing unbinds the track anyway, which is
// what stops its encoder.
func (w *continuousWriter) WriteRTP(h *rtp.Header, payload []byte) (int, error) {
	out := *h
	if !w.cont.rewrite(w.gen, &out) {
		return len(payload), nil // dropped on purpose, as if sent
	}
	_, _ = w.TrackLocalWriter.WriteRTP(&out, payload) // errors dropped: see above
	return len(payload), nil
}

// Write implements webrtc.TrackLocalWriter for whole packets.
func (w *continuousWriter) Write(b []byte) (int, error) {
	var p rtp.Packet
	if err := p.Unmarshal(b); err != nil {
		return 0, err
	}
	return w.WriteRTP(&p.Header, p.Payload)
}
