package server

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/signaling/protocol"
)

// A client whose socket stops taking data is cut off after WriteTimeout even
// when its send queue never fills: the write blocks, the session's stall
// timer closes the connection, and the name is freed. The queue bounds are
// out of reach and pings far off, so the timer is the only way out.
func TestStalledWriteIsCutAfterWriteTimeout(t *testing.T) {
	ts := start(t, Config{
		SendQueue: 1 << 20, SendQueueBytes: 1 << 30, Rate: 1e6, Burst: 1e6,
		WriteTimeout: 300 * time.Millisecond, PingInterval: time.Hour,
	})
	stalled := dialIdle(t, ts.url(), nil)
	stalled.send(&protocol.Message{Type: protocol.TypeUsername, Name: "stalled"})
	sender := mdnDial(t, ts.url())
	sender.register("sender")
	waitFor(t, "stalled to register", func() bool { return slices.Contains(ts.Hub().Users(), "stalled") })

	// 300 × 60 KB is well beyond what loopback socket buffers hold.
	blob := `{"type":"blob","target":"stalled","text":"` + strings.Repeat("x", 60<<10) + `"}`
	for range 300 {
		if !slices.Contains(ts.Hub().Users(), "stalled") {
			break
		}
		sender.sendRaw(blob)
	}
	waitFor(t, "the stalled client to be cut off", func() bool {
		return !slices.Contains(ts.Hub().Users(), "stalled")
	})
}
