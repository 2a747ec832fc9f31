package mic

import (
	"errors"
	"testing"

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
