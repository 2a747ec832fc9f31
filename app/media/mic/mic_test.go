package mic

import (
	"errors"
	"testing"
	"time"

	"github.com/gen2brain/malgo"
	"github.com/pion/mediadevices/pkg/driver"
)

// An audio system that cannot start gives a typed error, not a panic
// (mediadevices' own driver panics here, at program start).
func TestNoAudioSystemIsAnError(t *testing.T) {
	err := discover([]malgo.Backend{malgo.BackendWebaudio}) // not available on a desktop
	if !errors.Is(err, ErrNoAudioSystem) {
		t.Fatalf("discover with no usable backend: %v, want ErrNoAudioSystem", err)
	}
}

// On any machine, real discovery returns and never registers ALSA's null
// PCM as a microphone.
func TestDiscoverSkipsNullDevice(t *testing.T) {
	err := Discover()
	if err != nil && !errors.Is(err, ErrNoAudioSystem) {
		t.Fatalf("Discover: %v", err)
	}
	for _, d := range driver.GetManager().Query(driver.FilterAudioRecorder()) {
		if d.Info().Label == "6e756c6c" { // "null" in hex, as ALSA ids print
			t.Errorf("null device registered: %+v", d.Info())
		}
	}
	// Discovering again keeps the same set (hot-plug diff, no duplicates).
	before := len(driver.GetManager().Query(driver.FilterAudioRecorder()))
	_ = Discover()
	if after := len(driver.GetManager().Query(driver.FilterAudioRecorder())); after != before {
		t.Errorf("re-discovery changed %d microphones to %d", before, after)
	}
}

func TestIsNullDevice(t *testing.T) {
	var id malgo.DeviceID
	copy(id[:], "null\x00")
	if !isNullDevice(id) {
		t.Error("null not recognised")
	}
	copy(id[:], "nullx\x00")
	if isNullDevice(id) {
		t.Error("nullx taken for null")
	}
	copy(id[:], "hw:0,0\x00")
	if isNullDevice(id) {
		t.Error("hw:0,0 taken for null")
	}
}

func TestDriverBeforeOpen(t *testing.T) {
	m := &microphone{name: "x"}
	if _, err := m.AudioRecord(m.Properties()[0]); !errors.Is(err, errNotOpen) {
		t.Errorf("AudioRecord before Open: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("Close before Open: %v", err)
	}
	for _, p := range m.Properties() {
		if p.SampleRate != 48000 || p.SampleSize != 2 || !p.IsInterleaved {
			t.Errorf("property %+v", p)
		}
	}
}

func TestToInt16(t *testing.T) {
	a := toInt16([]byte{1, 0, 0xff, 0xff, 0, 0x80, 0xff, 0x7f}, 2)
	info := a.ChunkInfo()
	if info.Len != 2 || info.Channels != 2 || info.SamplingRate != 48000 {
		t.Fatalf("info %+v", info)
	}
	// Little-endian hosts (every platform Parley ships on).
	want := []int16{1, -1, -32768, 32767}
	for i, w := range want {
		if got := a.At(i/2, i%2); int16(got.Int()>>16) != w {
			t.Errorf("sample %d = %v, want %d", i, got, w)
		}
	}
	if toInt16(nil, 1).ChunkInfo().Len != 0 {
		t.Error("empty chunk")
	}
}

// A reader that comes back after a while (the track bound late, a stall)
// skips what went stale and starts from the newest periods, instead of
// sending the backlog and adding it to the call's delay.
func TestFreshestSkipsStaleChunks(t *testing.T) {
	now := time.Unix(100, 0)
	chunks := make(chan chunk, queued)
	for i := range 5 { // 100, 80, 60, 40, 20 ms old
		chunks <- chunk{b: []byte{byte(i)}, at: now.Add(-time.Duration(5-i) * period)}
	}
	first := <-chunks
	got := freshest(first, chunks, now)
	if got.b[0] != 2 || len(chunks) != 2 {
		t.Fatalf("took chunk %d with %d left; want chunk 2 (60 ms old, the oldest not stale) and 2 left", got.b[0], len(chunks))
	}
	// The newest stale chunk is kept when nothing newer waits.
	old := chunk{b: []byte{9}, at: now.Add(-time.Second)}
	if got := freshest(old, make(chan chunk, 1), now); got.b[0] != 9 {
		t.Fatalf("dropped the only chunk there is")
	}
}
