package testmedia

import (
	"io"
	"math"
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
	opening
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
	ctx, err := t.opened()
	if err != nil {
		return nil, err
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
	// A chunk late by up to one chunk is caught up; a longer stall
	// restarts the pace.
	pace := newPacer(ctx, latency, latency)
	var sample int64
	file := make([]float32, n)
	return audio.ReaderFunc(func() (wave.Audio, func(), error) {
		if _, ok := pace.wait(); !ok {
			return nil, func() {}, io.EOF
		}
		a := wave.NewFloat32Interleaved(wave.ChunkInfo{Len: n, Channels: channels, SamplingRate: rate})
		if rate == ToneSampleRate && (fillFromFile(file) || currentRoom() != nil) {
			if r := currentRoom(); r != nil {
				r.addEcho(file)
			}
			for i, v := range file {
				for c := 0; c < channels; c++ {
					a.SetFloat32(i, c, wave.Float32Sample(v))
				}
			}
			return a, func() {}, nil
		}
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
