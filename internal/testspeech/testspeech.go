// Package testspeech speaks test sentences with espeak-ng (Debian's; make
// deps installs it), for the sound tests: speech is made at test time
// rather than kept as large files in the repository.
package testspeech

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/parleyhq/parley/app/media/wav"
)

// File speaks text in voice (an espeak-ng voice such as "en-us" or
// "en-gb+f3") into a WAV file in the test's temporary folder and returns
// its path.
func File(t testing.TB, voice, text string) string {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Fatal("espeak-ng is missing: run make deps")
	}
	path := filepath.Join(t.TempDir(), "speech.wav")
	if out, err := exec.Command("espeak-ng", "-v", voice, "-w", path, text).CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v: %s", err, out)
	}
	return path
}

// Read returns the WAV file at path as mono samples at wav.SampleRate.
func Read(t testing.TB, path string) []float32 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := wav.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
