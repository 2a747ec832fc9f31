package probe

import (
	"testing"
	"time"
)

func TestTimelineFindsFreezes(t *testing.T) {
	var tl timeline
	start := time.UnixMilli(1_000_000)
	at := start
	step := func(d time.Duration) { at = at.Add(d); tl.add(at) }
	tl.add(at)
	for range 10 {
		step(33 * time.Millisecond)
	}
	step(900 * time.Millisecond) // a freeze
	step(33 * time.Millisecond)
	step(FreezeThreshold - time.Millisecond) // a long gap, not a freeze
	step(400 * time.Millisecond)             // another freeze

	if tl.longest != 900*time.Millisecond {
		t.Errorf("longest gap %v, want 900ms", tl.longest)
	}
	if tl.frozen != 1300*time.Millisecond || len(tl.freezes) != 2 {
		t.Fatalf("frozen %v in %d freezes, want 1.3s in 2", tl.frozen, len(tl.freezes))
	}
	f := tl.freezes[0]
	if f.StartMs != start.Add(330*time.Millisecond).UnixMilli() || f.DurationMs != 900 || f.EndMs-f.StartMs != 900 {
		t.Errorf("first freeze %+v", f)
	}
}
