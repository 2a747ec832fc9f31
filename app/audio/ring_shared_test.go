package audio

import (
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// The window's ring is the browser client's: web/shared/ring.js, from which
// the browser synthesises it, names the pattern played here.
func TestRingIsTheBrowserClients(t *testing.T) {
	src, err := os.ReadFile("../../web/shared/ring.js")
	if err != nil {
		t.Fatal(err)
	}
	ring := regexp.MustCompile(`(?s)export const RING = Object\.freeze\(\{(.*?)\}\);`).FindSubmatch(src)
	if ring == nil {
		t.Fatal("ring.js has no RING")
	}
	js := map[string]float64{}
	for _, m := range regexp.MustCompile(`(\w+): ([0-9.]+),`).FindAllSubmatch(ring[1], -1) {
		v, err := strconv.ParseFloat(string(m[2]), 64)
		if err != nil {
			t.Fatal(err)
		}
		js[string(m[1])] = v
	}
	ms := func(d time.Duration) float64 { return float64(d.Milliseconds()) }
	for name, want := range map[string]float64{
		"lowHz": ringLow, "highHz": ringHigh,
		"onMs": ms(ringOn), "cycleMs": ms(ringCycle), "rampMs": ms(ringRamp),
		"gain": ringGain,
	} {
		got, ok := js[name]
		if !ok {
			t.Errorf("ring.js's RING has no %s", name)
		} else if got != want {
			t.Errorf("ring.js's RING.%s is %v; app/audio rings with %v", name, got, want)
		}
	}
	if len(js) != 6 {
		t.Errorf("ring.js's RING has %v; this test knows six", js)
	}
}
