package audio

import (
	"math/rand/v2"
	"testing"
	"time"
)

// clock is a test clock for the playout's arrivals.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

const packet = SampleRate / 50 // 20 ms, mono

// The target grows under injected jitter, within a few packets of a burst,
// and comes back down once the network is calm again.
func TestPlayoutTargetFollowsJitter(t *testing.T) {
	p := newAdaptivePlayout(playoutCapacity)
	c := &clock{t: time.Unix(1000, 0)}
	p.now = c.now
	pcm := make([]float32, packet)
	rng := rand.New(rand.NewPCG(1, 2))
	send := func(packets int, jitter time.Duration) {
		base := c.t
		for i := range packets {
			late := time.Duration(0)
			if jitter > 0 {
				late = time.Duration(rng.Int64N(int64(jitter)))
			}
			c.t = base.Add(time.Duration(i)*20*time.Millisecond + late)
			p.write(pcm, 1)
			out := make([]float32, 2*packet) // the device keeps draining
			p.read(out)
		}
		c.t = base.Add(time.Duration(packets) * 20 * time.Millisecond)
	}
	send(50, 0)
	calm := p.stats().Target
	send(100, 80*time.Millisecond)
	jittery := p.stats().Target
	send(150, 0)
	after := p.stats().Target
	t.Logf("target: %v calm, %v under 0–80 ms jitter, %v after 3 s calm again", calm, jittery, after)
	if calm != minTarget {
		t.Errorf("calm target %v, want the floor %v", calm, minTarget)
	}
	if jittery < 70*time.Millisecond {
		t.Errorf("under 0–80 ms jitter the target is only %v", jittery)
	}
	if after > 40*time.Millisecond {
		t.Errorf("the target stayed at %v after the jitter stopped", after)
	}
}

// A burst of late packets raises the target at once, before the 95th
// percentile of the window would.
func TestPlayoutTargetJumpsOnBurst(t *testing.T) {
	j := newJitter()
	t0 := time.Unix(0, 0)
	for i := range 90 {
		j.arrive(t0.Add(time.Duration(i)*20*time.Millisecond), 20*time.Millisecond)
	}
	// Two packets 100 ms late, then the rest on time again.
	j.arrive(t0.Add(90*20*time.Millisecond+100*time.Millisecond), 20*time.Millisecond)
	j.arrive(t0.Add(90*20*time.Millisecond+100*time.Millisecond), 20*time.Millisecond)
	if got := j.target(); got < 100*time.Millisecond {
		t.Fatalf("a 100 ms burst leaves the target at %v", got)
	}
}

// With more queued than the target, pauses are shortened and speech is
// not: the queue comes down only while the audio ahead is quiet.
func TestPlayoutShortensPausesOnly(t *testing.T) {
	p := newAdaptivePlayout(playoutCapacity)
	c := &clock{t: time.Unix(1000, 0)}
	p.now = c.now
	speech := make([]float32, 5*packet) // 100 ms of speech
	for i := range speech {
		speech[i] = 0.3
	}
	p.write(speech, 1)
	c.t = c.t.Add(100 * time.Millisecond) // each on time
	p.write(make([]float32, 5*packet), 1) // then 100 ms of pause
	out := make([]float32, 2*adaptStep)
	for p.stats().Queued > 100*time.Millisecond { // play through the speech
		p.read(out)
		if out[0] == 0 {
			t.Fatal("speech was replaced by silence")
		}
	}
	if a := p.stats().Accelerated; a != 0 {
		t.Fatalf("speech was shortened %d times", a)
	}
	for range 5 {
		p.read(out)
	}
	st := p.stats()
	t.Logf("after the pause: %+v", st)
	if st.Accelerated == 0 || st.Queued > st.Target+10*time.Millisecond {
		t.Fatalf("the pause was not shortened towards the target: %+v", st)
	}
}

// With arrivals reported (Arrivals), the target follows the packets'
// arrival against their media time: packets that never come (losses, a
// burst the receiver conceals) leave it alone, where the writes of their
// concealment, late and in a lump, would raise it; arrival jitter still
// raises it.
func TestPlayoutTargetFollowsArrivalsNotLosses(t *testing.T) {
	p := newAdaptivePlayout(playoutCapacity)
	c := &clock{t: time.Unix(1000, 0)}
	p.now = c.now
	pcm := make([]float32, packet)
	out := make([]float32, 2*packet)
	media := time.Duration(0)
	for i := range 200 {
		c.t = c.t.Add(20 * time.Millisecond)
		media += 20 * time.Millisecond
		if i%10 >= 6 { // 80 ms lost out of every 200
			continue
		}
		p.arrived(media)
		p.write(pcm, 1)
		p.read(out)
	}
	lossy := p.stats().Target
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100 {
		c.t = c.t.Add(20 * time.Millisecond)
		media += 20 * time.Millisecond
		at := c.t
		c.t = at.Add(time.Duration(rng.Int64N(int64(60 * time.Millisecond))))
		p.arrived(media)
		p.write(pcm, 1)
		p.read(out)
		c.t = at
	}
	jittery := p.stats().Target
	t.Logf("target: %v with 40%% in bursts lost, %v under 0-60 ms jitter", lossy, jittery)
	if lossy != minTarget {
		t.Errorf("losses moved the target to %v", lossy)
	}
	if jittery < 50*time.Millisecond {
		t.Errorf("under 0-60 ms jitter the target is only %v", jittery)
	}
}
