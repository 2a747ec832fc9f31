package testmedia

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// Room is the air between a test speaker and the test microphone
// (--room-echo): what the speaker plays (Render, as audio.Far) comes back
// into the microphone delay later, scaled by gain, added to whatever the
// microphone plays itself.
type Room struct {
	// play, if set, makes the speaker play as many samples as the
	// microphone is about to take: one clock for both (SetSpeaker).
	play func(frames int)

	mu    sync.Mutex
	gain  float32
	fifo  []float32 // mono, 48 kHz; the head is what the microphone hears next
	delay int       // samples
	limit int
	// reverb, if set, convolves the echo with a room's impulse response
	// (--room-echo-ir).
	reverb *convolver
	mono   []float32
}

// NewRoom returns a room with an echo path of delay at gainDB (e.g. -3).
func NewRoom(delay time.Duration, gainDB float64) *Room {
	n := int(delay * ToneSampleRate / time.Second)
	return &Room{
		gain:  float32(math.Pow(10, gainDB/20)),
		fifo:  make([]float32, n),
		delay: n,
		limit: n + ToneSampleRate, // a second of slack between the two clocks
	}
}

// SetImpulseResponse makes the echo also go through a room's impulse
// response (mono, 48 kHz), on top of the delay and gain: reverberation
// that an echo canceller must model, as a real room's. Call it before the
// room is used. The convolver holds back up to a block, which the delay
// must cover with a microphone chunk to spare, or the echo would come late.
func (r *Room) SetImpulseResponse(ir []float32) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(ir) == 0 {
		return fmt.Errorf("room: the impulse response is empty")
	}
	if least := convBlock + ToneSampleRate/50; r.delay < least {
		return fmt.Errorf("room: a delay of at least %d ms is needed with an impulse response", least*1000/ToneSampleRate+1)
	}
	r.reverb = newConvolver(ir)
	return nil
}

// Render implements audio.Far: the speaker played pcm.
func (r *Room) Render(pcm []float32, channels int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mono = r.mono[:0]
	for i := 0; i+channels <= len(pcm); i += channels {
		var v float32
		for c := range channels {
			v += pcm[i+c]
		}
		r.mono = append(r.mono, r.gain*v/float32(channels))
	}
	if r.reverb != nil {
		r.fifo = append(r.fifo, r.reverb.process(r.mono)...)
	} else {
		r.fifo = append(r.fifo, r.mono...)
	}
	if over := len(r.fifo) - r.limit; over > 0 {
		r.fifo = append(r.fifo[:0], r.fifo[over:]...)
	}
}

// SetSpeaker makes play (a clocked virtual speaker's Play) run on the
// microphone's clock: before each chunk the microphone hears, the speaker
// plays the same length. Call it before the microphone opens.
func (r *Room) SetSpeaker(play func(frames int)) { r.play = play }

// addEcho adds the next len(out) samples of echo to out.
func (r *Room) addEcho(out []float32) {
	if r.play != nil {
		r.play(len(out))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// The speaker plays before the microphone listens, and the two
	// clocks differ: what the microphone hears now is what was played
	// delay ago, so older sound is gone from the room.
	if over := len(r.fifo) - len(out) - r.delay; over > len(out) {
		r.fifo = append(r.fifo[:0], r.fifo[over:]...)
	}
	n := min(len(out), len(r.fifo))
	for i := range n {
		out[i] += r.fifo[i]
	}
	r.fifo = append(r.fifo[:0], r.fifo[n:]...)
}

var room struct {
	mu sync.Mutex
	r  *Room
}

// SetRoom puts the test microphone in r (nil: no echo).
func SetRoom(r *Room) {
	room.mu.Lock()
	room.r = r
	room.mu.Unlock()
}

func currentRoom() *Room {
	room.mu.Lock()
	defer room.mu.Unlock()
	return room.r
}
