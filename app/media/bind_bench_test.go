package media_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pion/mediadevices"

	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/testmedia"
)

// BenchmarkEncoderStart measures how long making a track's encoder waits:
// mediadevices reads one frame or audio chunk to learn the format, then
// builds the encoder. Audio tracks do this in Bind, which pion calls before
// it starts ICE (caller) or sends the answer (callee); the video sender
// does it after Bind has returned (see videoSender.Bind). The preview
// (video) and the level meter (audio) are reading the track meanwhile, as
// in the app, so the format read lands on their capture in progress. Each
// start comes at a random moment of the frame interval, as a call's does,
// so ns/op is the mean wait: 34 ms for either kind with the broadcasters'
// default 33 ms poll, 18 ms (video, 30 fps) and 13 ms (audio) with
// broadcastPoll (2-core machine).
func BenchmarkEncoderStart(b *testing.B) {
	b.Run("video", func(b *testing.B) {
		v, err := media.OpenVideo(media.VideoRequest{Camera: testmedia.CameraA, Width: 640, Height: 480}, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer v.Close()
		var sink stampSink
		defer v.Preview(&sink)()
		startEncoders(b, v.Track(), "VP8")
	})
	b.Run("audio", func(b *testing.B) {
		a, err := media.OpenAudio(media.AudioRequest{Microphone: testmedia.Tone}, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer a.Close()
		startEncoders(b, a.Track(), "opus")
	})
}

// startEncoders makes and closes b.N encoders for t, each at a random
// moment of a 30 fps frame interval, timing only the making.
func startEncoders(b *testing.B, t mediadevices.Track, codec string) {
	for range b.N {
		b.StopTimer()
		time.Sleep(time.Duration(rand.Int64N(int64(33 * time.Millisecond))))
		b.StartTimer()
		enc, err := t.NewEncodedReader(codec)
		if err != nil {
			b.Fatal(err)
		}
		enc.Close()
	}
}
