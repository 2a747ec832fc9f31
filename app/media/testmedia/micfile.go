package testmedia

import (
	"os"
	"sync"
	"time"

	"github.com/parleyhq/parley/app/media/wav"
)

// The test microphone can play a file instead of the tone (--mic-file):
// once, from the moment the call connects (StartMicFile), then silence,
// so that a receiver's recording lines up with what was sent.
var micFile struct {
	mu      sync.Mutex
	samples []float32 // 48 kHz mono; nil plays the tone
	pos     int
	playing bool
	// captured is when the microphone handed the file's first chunk on
	// (zero until then): where its timeline starts as captured.
	captured time.Time
}

// SetMicFile makes the test microphone play the WAV file at path (see
// wav.Read) instead of the tone, from StartMicFile on; until then it is
// silent.
func SetMicFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	samples, err := wav.Read(f)
	if err != nil {
		return err
	}
	micFile.mu.Lock()
	micFile.samples, micFile.pos, micFile.playing = samples, 0, false
	micFile.mu.Unlock()
	return nil
}

// StartMicFile plays the file set with SetMicFile from its beginning.
func StartMicFile() {
	micFile.mu.Lock()
	micFile.pos, micFile.playing, micFile.captured = 0, true, time.Time{}
	micFile.mu.Unlock()
}

// MicFileCaptured returns when the test microphone handed the file's
// first chunk on, after StartMicFile, or the zero time if it has not. The
// file's sample at t is captured at that moment plus t, rounded down to a
// chunk: a sound is timed from there as a browser's is from its capture.
func MicFileCaptured() time.Time {
	micFile.mu.Lock()
	defer micFile.mu.Unlock()
	return micFile.captured
}

// fillFromFile writes the file's next len(out) samples into out (silence
// before StartMicFile and after the end) and reports whether a file is
// set at all; without one, out is silence.
func fillFromFile(out []float32) bool {
	micFile.mu.Lock()
	defer micFile.mu.Unlock()
	clear(out)
	if micFile.samples == nil {
		return false
	}
	if micFile.playing {
		if micFile.pos == 0 {
			micFile.captured = time.Now()
		}
		n := copy(out, micFile.samples[min(micFile.pos, len(micFile.samples)):])
		micFile.pos += n
	}
	return true
}

// Unprocessed implements media.Unprocessed: the steady tone is left alone
// by voice processing (a noise suppressor removes it as noise); a file of
// speech is processed like a microphone.
func (t *tone) Unprocessed() bool {
	micFile.mu.Lock()
	defer micFile.mu.Unlock()
	return micFile.samples == nil && currentRoom() == nil
}
