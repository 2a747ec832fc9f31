package mic

import (
	"errors"
	"io"
	"sync"
	"time"
	"unsafe"

	"github.com/gen2brain/malgo"
	"github.com/pion/mediadevices/pkg/driver/availability"
	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
)

const (
	sampleRate = 48000
	period     = 20 * time.Millisecond
	// queued is how many periods wait for a slow reader before the oldest
	// is dropped: the audio thread must never block.
	queued = 8
	// staleAfter: a chunk that waited longer than this by the time the
	// reader takes it, with newer ones queued behind it, is dropped. The
	// reader was away (the track not sending yet, a stall), and sending
	// the backlog would add its length to the call's delay until the
	// receiver shed it: up to queued periods at every call's start.
	staleAfter = 3 * period
)

// chunk is one period as miniaudio captured it, and when.
type chunk struct {
	b  []byte
	at time.Time
}

// freshest returns c, or the first chunk queued after it that is not
// stale at now: chunks older than staleAfter are skipped while newer ones
// wait.
func freshest(c chunk, chunks chan chunk, now time.Time) chunk {
	for now.Sub(c.at) > staleAfter {
		select {
		case next := <-chunks:
			c = next
		default:
			return c
		}
	}
	return c
}

var errNotOpen = errors.New("mic: microphone is not open")

// microphone is one capture device as a mediadevices adapter.
type microphone struct {
	ctx  *malgo.AllocatedContext
	id   malgo.DeviceID
	name string

	mu     sync.Mutex
	dev    *malgo.Device
	closed chan struct{}
}

// Open implements driver.Adapter.
func (m *microphone) Open() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = make(chan struct{})
	return nil
}

// Close implements driver.Adapter: it stops capture and makes readers
// return io.EOF.
func (m *microphone) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	// Mark closed first, so a reader woken by the device's stop callback
	// knows the stop was ours.
	if m.closed != nil {
		close(m.closed)
		m.closed = nil
	}
	if m.dev != nil {
		m.dev.Uninit()
		m.dev = nil
	}
	return nil
}

// Properties implements driver.Adapter. miniaudio converts whatever the
// hardware does to what is asked, so 48 kHz signed 16-bit, mono or
// stereo, is always available.
func (m *microphone) Properties() []prop.Media {
	var out []prop.Media
	for _, ch := range []int{1, 2} {
		out = append(out, prop.Media{Audio: prop.Audio{
			SampleRate: sampleRate, ChannelCount: ch, Latency: period,
			SampleSize: 2, IsInterleaved: true,
		}})
	}
	return out
}

// AudioRecord implements driver.AudioRecorder. Every period is copied out
// of miniaudio's buffer on its audio thread before the reader sees it.
func (m *microphone) AudioRecord(p prop.Media) (audio.Reader, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed == nil {
		return nil, errNotOpen
	}
	channels := max(p.ChannelCount, 1)
	cfg := malgo.DefaultDeviceConfig(malgo.Capture)
	cfg.Capture.Format = malgo.FormatS16
	cfg.Capture.Channels = uint32(channels)
	cfg.Capture.DeviceID = m.id.Pointer()
	cfg.SampleRate = sampleRate
	cfg.PeriodSizeInMilliseconds = uint32(period / time.Millisecond)
	cfg.PerformanceProfile = malgo.LowLatency

	chunks := make(chan chunk, queued)
	stopped := make(chan struct{})
	var stopOnce sync.Once
	dev, err := malgo.InitDevice(m.ctx.Context, cfg, malgo.DeviceCallbacks{
		Data: func(_, in []byte, _ uint32) {
			b := chunk{append([]byte(nil), in...), time.Now()} // miniaudio reuses in
			select {
			case chunks <- b:
			default:
				select { // drop the oldest, keep the newest
				case <-chunks:
				default:
				}
				select {
				case chunks <- b:
				default:
				}
			}
		},
		Stop: func() { stopOnce.Do(func() { close(stopped) }) },
	})
	if err != nil {
		return nil, err
	}
	if err := dev.Start(); err != nil {
		dev.Uninit()
		return nil, err
	}
	m.dev = dev
	closed := m.closed
	return audio.ReaderFunc(func() (wave.Audio, func(), error) {
		select {
		case <-closed: // checked first: queued chunks must not outlive Close
			return nil, func() {}, io.EOF
		default:
		}
		select {
		case <-closed:
			return nil, func() {}, io.EOF
		case c := <-chunks:
			return toInt16(freshest(c, chunks, time.Now()).b, channels), func() {}, nil
		case <-stopped:
			select {
			case <-closed: // stopped because we closed it
				return nil, func() {}, io.EOF
			default:
			}
			// The device stopped on its own: unplugged or taken away.
			return nil, func() {}, availability.ErrNoDevice
		}
	}), nil
}

// toInt16 turns native-endian 16-bit samples into a mediadevices chunk.
func toInt16(b []byte, channels int) wave.Audio {
	n := len(b) / 2 / channels
	a := wave.NewInt16Interleaved(wave.ChunkInfo{Len: n, Channels: channels, SamplingRate: sampleRate})
	copy(a.Data, unsafe.Slice((*int16)(unsafe.Pointer(unsafe.SliceData(b))), n*channels))
	return a
}
