package testmedia

import (
	"context"
	"io"
	"math"
	"sync"
	"time"

	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
)

// The test tone: a receiver finds its frequency to prove audio flows.
const (
	ToneHz         = 440
	ToneAmplitude  = 0.25
	ToneSampleRate = 48000
	toneChunk      = 20 * time.Millisecond
)

// tone is a mediadevices microphone adapter that plays a sine wave.
type tone struct {
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
}

// Open implements driver.Adapter.
func (t *tone) Open() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ctx, t.cancel = context.WithCancel(context.Background())
	return nil
}

// Close implements driver.Adapter; readers return io.EOF afterwards.
func (t *tone) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cancel != nil {
		t.cancel()
	}
	return nil
}

// Properties implements driver.Adapter: 48 kHz mono float, 20 ms chunks.
func (t *tone) Properties() []prop.Media {
	return []prop.Media{{Audio: prop.Audio{
		SampleRate: ToneSampleRate, ChannelCount: 1, Latency: toneChunk,
		SampleSize: 4, IsFloat: true, IsInterleaved: true,
	}}}
}

// AudioRecord implements driver.AudioRecorder: a continuous 440 Hz sine,
// paced in real time, one chunk per Read.
func (t *tone) AudioRecord(p prop.Media) (audio.Reader, error) {
	t.mu.Lock()
	ctx := t.ctx
	t.mu.Unlock()
	if ctx == nil {
		return nil, errNotOpen
	}
	rate := p.SampleRate
	if rate <= 0 {
		rate = ToneSampleRate
	}
	channels := max(p.ChannelCount, 1)
	latency := p.Latency
	if latency <= 0 {
		latency = toneChunk
	}
	n := int(int64(rate) * int64(latency) / int64(time.Second))
	var sample int64
	next := time.Now()
	timer := time.NewTimer(0)
	return audio.ReaderFunc(func() (wave.Audio, func(), error) {
		if ctx.Err() != nil { // checked first: when behind, the timer is ready too
			return nil, func() {}, io.EOF
		}
		timer.Reset(time.Until(next))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, func() {}, io.EOF
		case <-timer.C:
		}
		next = next.Add(latency)
		if now := time.Now(); next.Before(now.Add(-latency)) {
			next = now // after a long stall, do not burst
		}
		a := wave.NewFloat32Interleaved(wave.ChunkInfo{Len: n, Channels: channels, SamplingRate: rate})
		for i := 0; i < n; i++ {
			// The phase is taken modulo one period so precision does not
			// drift over a long call.
			ph := float64((sample+int64(i))%int64(rate)) * ToneHz / float64(rate)
			v := float32(ToneAmplitude * math.Sin(2*math.Pi*ph))
			for c := 0; c < channels; c++ {
				a.SetFloat32(i, c, wave.Float32Sample(v))
			}
		}
		sample += int64(n)
		return a, func() {}, nil
	}), nil
}
