package media

import (
	"time"

	"github.com/pion/mediadevices"
	mio "github.com/pion/mediadevices/pkg/io"
	"github.com/pion/mediadevices/pkg/io/audio"
)

// broadcastPoll is how often a reader of the microphone's track checks
// whether the capture another reader has in progress is in.
//
// A mediadevices track hands each frame to all its readers through a
// broadcaster: the reader that asks first captures, and the others poll
// until its frame is in, every 33 ms by default. Binding a track to a
// PeerConnection opens a reader that reads one frame to learn the format,
// and it always lands on a capture in progress (the preview's, the level
// meter's or the frame before): each Bind slept a whole 33 ms, and pion
// binds the tracks one after the other, before it
// starts ICE on the caller's side and before the answer goes out on the
// callee's, so it added to every call's setup on both sides (Measured:
// docs/benchmarks.md, "Figures behind the code", Binding a track). Polling
// every millisecond costs a few wakeups in the moments two readers
// overlap, and nothing otherwise.
const broadcastPoll = time.Millisecond

// fastPollAudio gives t a broadcaster that polls every broadcastPoll. It
// must run before anything reads t.
func fastPollAudio(t *mediadevices.AudioTrack) {
	t.Broadcaster = audio.NewBroadcaster(t.Broadcaster.Source(), &audio.BroadcasterConfig{Core: &mio.BroadcasterConfig{PollDuration: broadcastPoll}})
}
