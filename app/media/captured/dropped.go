package captured

// Dropper is implemented by audio capture readers that can lose samples:
// a device keeps capturing while its reader is late, and once its buffer
// is full the oldest audio is gone. Counting what was lost lets the sender
// keep the RTP timestamp on the device's sample clock: the packets after a
// loss carry a timestamp that has jumped by the lost time, so a receiver
// sees a gap to conceal instead of every later packet arriving late by
// that much (which grows its jitter buffer).
type Dropper interface {
	// Dropped is how many sample frames (one sample per channel) have been
	// lost since capture started, counted before the chunk that the
	// reader's latest Read returned.
	Dropped() int64
}
