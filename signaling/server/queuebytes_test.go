package server

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/signaling/protocol"
)

// The byte bound drops a client that stops reading large frames long
// before the frame-count bound would, and the relayed frames in its queue
// and in the write it was stuck in go back to the pool.
func TestSendQueueBoundedByBytes(t *testing.T) {
	ts := start(t, Config{SendQueue: 1 << 20, SendQueueBytes: 256 << 10, Rate: 1e6, Burst: 1e6, WriteTimeout: time.Minute})
	slow := dialIdle(t, ts.url(), nil)
	slow.send(&protocol.Message{Type: protocol.TypeUsername, Name: "slow"})
	sender := mdnDial(t, ts.url())
	sender.register("sender")
	// Until slow is registered the loop below would end at once.
	waitFor(t, "slow to register", func() bool { return slices.Contains(ts.Hub().Users(), "slow") })
	blob := `{"type":"blob","target":"slow","text":"` + strings.Repeat("x", 60<<10) + `"}`
	// The socket buffers take a few MB before the queue grows at all; with
	// 1<<20 frames allowed, only the byte bound can end this loop in time.
	sent := 0
	for slices.Contains(ts.Hub().Users(), "slow") {
		if sent > 2000 {
			t.Fatalf("not dropped after %d frames of 60 KB", sent)
		}
		sender.sendRaw(blob)
		sent++
	}
	t.Logf("dropped after %d frames", sent)
	waitFor(t, "the dropped queue's frames to be released", func() bool { return ts.Hub().FramesOutstanding() == 0 })
}
