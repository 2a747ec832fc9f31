package audio

import (
	"sync"
	"time"
)

// playout is the speaker's jitter buffer: a FIFO of stereo frames between
// the receive path (writes whenever a packet is decoded) and the device
// (reads at its own steady pace). Playback starts, and restarts after the
// buffer runs dry, only once target frames are queued, so that packets
// arriving early or late do not click; past capacity the oldest audio is
// dropped, so latency cannot grow without bound.
type playout struct {
	mu       sync.Mutex
	buf      []float32 // ring of interleaved stereo frames
	head     int       // index of the oldest frame
	n        int       // frames queued
	target   int       // frames to queue before playing
	playing  bool
	underrun uint64 // times the device found the buffer empty while playing
	dropped  uint64 // frames dropped because the buffer was full

	// adapt, when set, moves target with the arrival jitter and brings
	// the queue towards it during pauses in speech (newAdaptivePlayout).
	adapt       *jitter
	now         func() time.Time
	accelerated uint64  // pauses shortened by a step to bring the delay down
	expanded    uint64  // pauses lengthened by a step to build the delay up
	level       float64 // frames queued, smoothed over the reads (levelFilter)
	arrivals    bool    // the receive path reports arrivals (Arrivals)
	started     bool    // has played: the stream is under way
}

// levelFilter is how far each read moves the smoothed level towards what
// is queued: with 10 ms reads, a time constant of about 160 ms. As in
// NetEq's buffer level filter, pauses are shortened or lengthened by the
// smoothed level, so that a lost packet (the queue dips by a packet, then
// its rebuilt copy fills it again) or a single late one moves nothing: on
// the instant level, 5% loss made 75 cuts and 72 insertions in 30 s.
const levelFilter = 1.0 / 16

func newPlayout(target, capacity int) *playout {
	return &playout{buf: make([]float32, 2*capacity), target: target}
}

// adaptStep is how much a pause is shortened or lengthened at a time.
const adaptStep = SampleRate / 100 // 10 ms

// quiet is the level (peak, full scale 1) under which audio counts as a
// pause that may be shortened or lengthened unheard: about -46 dBFS.
const quiet = 0.005

// newAdaptivePlayout is a playout whose target follows the measured
// arrival jitter (see jitter), between minTarget and maxTarget. When the
// queue holds more than the target it shortens pauses, and when it holds
// less it lengthens them, a step at a time, so that speech itself is
// never cut or stretched.
func newAdaptivePlayout(capacity int) *playout {
	p := newPlayout(framesOf(minTarget), capacity)
	p.adapt, p.now = newJitter(), time.Now
	return p
}

func framesOf(d time.Duration) int { return int(d * SampleRate / time.Second) }

func (p *playout) capacity() int { return len(p.buf) / 2 }

// write queues pcm (channels 1 or 2), upmixing mono to both sides.
func (p *playout) write(pcm []float32, channels int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	frames := len(pcm) / channels
	c := p.capacity()
	if frames > c { // keep only the newest capacity frames
		pcm = pcm[(frames-c)*channels:]
		p.dropped += uint64(frames - c)
		frames = c
	}
	if over := p.n + frames - c; over > 0 {
		p.head = (p.head + over) % c
		p.n -= over
		p.dropped += uint64(over)
	}
	tail := (p.head + p.n) % c
	for i := 0; i < frames; i++ {
		l := pcm[i*channels]
		r := l
		if channels == 2 {
			r = pcm[i*channels+1]
		}
		p.buf[2*tail], p.buf[2*tail+1] = l, r
		tail++
		if tail == c {
			tail = 0
		}
	}
	p.n += frames
	if p.adapt != nil && !p.arrivals {
		p.adapt.arrive(p.now(), framesDuration(uint64(frames)))
		p.target = min(framesOf(p.adapt.target()), c)
	}
}

// arrived takes a packet's arrival (Arrivals): from the first on, these
// and not the writes set the target.
func (p *playout) arrived(media time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.adapt == nil {
		return
	}
	p.arrivals = true
	p.adapt.arriveAt(p.now(), media)
	p.target = min(framesOf(p.adapt.target()), p.capacity())
}

// read fills out (interleaved stereo) with queued frames, and with silence
// while the buffer is filling up or has run dry.
func (p *playout) read(out []float32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	want := len(out) / 2
	// The adaptive playout resumes after running dry as soon as a step is
	// queued: the receiver conceals a gap as the buffer runs out, and
	// waiting for the whole target again would add silence to every gap
	// (pauses are lengthened afterwards to build the delay back up).
	resume := p.target
	if p.adapt != nil && p.started {
		resume = adaptStep
	}
	if !p.playing && p.n >= resume {
		p.playing, p.started = true, true
		p.level = float64(p.n)
	}
	if p.playing && p.adapt != nil {
		p.level += (float64(p.n) - p.level) * levelFilter
		if p.level > float64(p.target+adaptStep) && p.quietAhead(adaptStep) {
			p.skip(adaptStep)
			p.level -= adaptStep
			p.accelerated++
		} else if p.level < float64(p.target-adaptStep) && p.n >= adaptStep && p.quietAhead(min(p.n, adaptStep)) {
			// Play silence now and keep the queue: the pause grows.
			clear(out)
			p.level += adaptStep
			p.expanded++
			return
		}
	}
	got := 0
	if p.playing {
		got = min(want, p.n)
		c := p.capacity()
		for i := 0; i < got; i++ {
			out[2*i], out[2*i+1] = p.buf[2*p.head], p.buf[2*p.head+1]
			p.head++
			if p.head == c {
				p.head = 0
			}
		}
		p.n -= got
		if got < want {
			p.playing = false
			p.underrun++
		}
	}
	clear(out[2*got:])
}

// quietAhead says whether the next frames queued are all a pause.
func (p *playout) quietAhead(frames int) bool {
	c := p.capacity()
	for i := range min(frames, p.n) {
		j := (p.head + i) % c
		if abs(p.buf[2*j]) > quiet || abs(p.buf[2*j+1]) > quiet {
			return false
		}
	}
	return true
}

// skip drops the next frames queued.
func (p *playout) skip(frames int) {
	frames = min(frames, p.n)
	p.head = (p.head + frames) % p.capacity()
	p.n -= frames
}

func abs(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

func (p *playout) stats() PlayoutStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return PlayoutStats{
		Queued:      framesDuration(uint64(p.n)),
		Target:      framesDuration(uint64(p.target)),
		Underruns:   p.underrun,
		Dropped:     framesDuration(p.dropped),
		Accelerated: p.accelerated,
		Expanded:    p.expanded,
	}
}

func framesDuration(frames uint64) time.Duration {
	return time.Duration(frames) * time.Second / SampleRate
}
