package testmedia

import (
	"context"
	"io"
	"math"
	"sync/atomic"
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
// paced in real time, one chunk per Read. Like a real microphone it keeps
// time while its reader is late: owed chunks come at once, up to
// toneQueue; older ones are lost, counted by the reader's Dropped
// (captured.Dropper), and the sine goes on as if they had been played.
func (t *tone) AudioRecord(p prop.Media) (audio.Reader, error) {
	ctx, err := t.opened()
	if err != nil {
		return nil, err
	}
	rate := p.SampleRate
	if rate <= 0 {
		rate = ToneSampleRate
	}
	latency := p.Latency
	if latency <= 0 {
		latency = toneChunk
	}
	return &toneReader{
		ctx: ctx, rate: rate, channels: max(p.ChannelCount, 1), latency: latency,
		n: int(int64(rate) * int64(latency) / int64(time.Second)), next: time.Now(), timer: time.NewTimer(0),
	}, nil
}

// toneQueue is how many owed chunks a late reader gets at once before
// older ones are dropped: 40 ms rides out the scheduling delays of a busy
// machine without a gap, while audio any later than that would reach the
// far side so late that its jitter buffer grows for it (and the video's
// with it, for lip sync); dropped audio is only a gap to conceal.
const toneQueue = 2

// toneReader is one recording of the tone. Read is called from one
// goroutine; Dropped from any.
type toneReader struct {
	ctx      context.Context
	rate     int
	channels int
	latency  time.Duration
	n        int       // samples per chunk
	sample   int64     // position of the next chunk's first sample
	next     time.Time // when the next chunk is due
	timer    *time.Timer
	dropped  atomic.Int64
}

// Dropped implements captured.Dropper.
func (r *toneReader) Dropped() int64 { return r.dropped.Load() }

// Read implements audio.Reader.
func (r *toneReader) Read() (wave.Audio, func(), error) {
	if r.ctx.Err() != nil { // checked first: when behind, the timer is ready too
		return nil, func() {}, io.EOF
	}
	// Chunks due by now beyond the queue were lost while nobody read.
	if owed := int64(time.Since(r.next)/r.latency) + 1; owed > toneQueue {
		lost := owed - toneQueue
		r.next = r.next.Add(time.Duration(lost) * r.latency)
		r.sample += lost * int64(r.n)
		r.dropped.Add(lost * int64(r.n))
	}
	r.timer.Reset(time.Until(r.next))
	select {
	case <-r.ctx.Done():
		r.timer.Stop()
		return nil, func() {}, io.EOF
	case <-r.timer.C:
	}
	r.next = r.next.Add(r.latency)
	a := wave.NewFloat32Interleaved(wave.ChunkInfo{Len: r.n, Channels: r.channels, SamplingRate: r.rate})
	for i := 0; i < r.n; i++ {
		v := float32(ToneAmplitude * math.Sin(2*math.Pi*tonePhase(r.sample+int64(i), r.rate)))
		for c := 0; c < r.channels; c++ {
			a.SetFloat32(i, c, wave.Float32Sample(v))
		}
	}
	r.sample += int64(r.n)
	return a, func() {}, nil
}

// tonePhase is the tone's phase in turns at a sample position, taken
// modulo one second so precision does not drift over a long call.
func tonePhase(sample int64, rate int) float64 {
	return float64(sample%int64(rate)) * ToneHz / float64(rate)
}
