package media_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pion/mediadevices"

	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/testmedia"
)

// BenchmarkEncoderStart measures how long making the microphone track's
// encoder waits: mediadevices reads one audio chunk to learn the format,
// then builds the encoder, in Bind, which pion calls before it starts ICE
// (caller) or sends the answer (callee). The level meter is reading the
// track meanwhile, as in the app, so the format read lands on its capture
// in progress. Each start comes at a random moment of the frame interval,
// as a call's does, so ns/op is the mean wait (figures:
// docs/benchmarks.md, "Figures behind the code"). The camera's track makes
// its encoder without reading a frame, so it has nothing to wait for.
func BenchmarkEncoderStart(b *testing.B) {
	a, err := media.OpenAudio(media.AudioRequest{Microphone: testmedia.Tone}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	startEncoders(b, a.Track().(mediadevices.Track), "opus")
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
