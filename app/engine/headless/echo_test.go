package headless_test

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/engine/headless"
	"github.com/parleyhq/parley/app/media/voice"
	"github.com/parleyhq/parley/app/media/wav"
	"github.com/parleyhq/parley/internal/testspeech"
)

// The echo scenario end to end: alice talks (espeak-ng speech); bob says
// nothing, but his test microphone hears his speaker through a room (70 ms,
// -6 dB). What alice's speaker plays back is bob's echo of her own voice.
// With bob's processing on it is at least 20 dB quieter (ERLE, after 2 s
// of convergence) than with it off, over real calls on loopback.
func TestEchoCancelledEndToEnd(t *testing.T) {
	dir := t.TempDir()
	far := testspeech.File(t, "en-us", "Hello Bob, this is Alice. I am telling you about the trains and the weather, and about the holidays next month, while you listen quietly on your laptop's speakers.")
	quiet := filepath.Join(dir, "quiet.wav")
	f, err := os.Create(quiet)
	if err != nil {
		t.Fatal(err)
	}
	if err := wav.Write(f, make([]float32, wav.SampleRate)); err != nil {
		t.Fatal(err)
	}
	f.Close()

	url := startServer(t)
	// echoBack runs one call and returns what alice's speaker played.
	echoBack := func(name string, bobVoice voice.Config) []float32 {
		heard := filepath.Join(dir, name+".wav")
		bob, bobOut := startChild(t, headless.Options{
			Server: url, Name: "bob-" + name, AutoAnswer: true, FakeMedia: true, Width: 160, Height: 120,
			MicFile: quiet, RoomEcho: &headless.RoomEcho{Delay: 70 * time.Millisecond, GainDB: -6}, Voice: bobVoice,
			Duration: time.Minute, Wait: 60 * time.Second,
		})
		alice, aliceOut := startChild(t, headless.Options{
			Server: url, Name: "alice-" + name, Call: "bob-" + name, FakeMedia: true, Width: 160, Height: 120,
			// Alice is the clean far end: her own processing would treat her
			// echo coming back as double talk and duck her voice.
			MicFile: far, SpeakerFile: heard, Voice: voice.Config{},
			Duration: 9 * time.Second, Wait: 60 * time.Second,
		})
		if err := alice.Wait(); err != nil {
			t.Fatalf("alice (%s): %v\n%s\nbob:\n%s", name, err, aliceOut, bobOut)
		}
		_ = bob.Wait()
		return testspeech.Read(t, heard)
	}
	// Far-end single talk: from 3 s in (2 s of convergence and the trip
	// there and back) to the end of alice's speech.
	speech := testspeech.Read(t, far)
	energy := func(x []float32) float64 {
		var e float64
		for _, v := range x[min(len(x), 3*wav.SampleRate):min(len(x), len(speech))] {
			e += float64(v) * float64(v)
		}
		return e
	}
	off := energy(echoBack("off", voice.Config{}))
	on := energy(echoBack("on", voice.Defaults()))
	erle := 10 * math.Log10(off/math.Max(on, 1e-12))
	t.Logf("alice hears her echo back at %.1f dB below the unprocessed level (ERLE end to end); energy off %.3g, on %.3g", erle, off, on)
	if off < 1 {
		t.Fatalf("with processing off alice heard almost no echo (energy %.3g): the room is not wired", off)
	}
	if erle < 20 {
		t.Fatalf("ERLE end to end %.1f dB, want at least 20", erle)
	}
}
