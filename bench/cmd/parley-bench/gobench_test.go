package main

import (
	"testing"

	"github.com/parleyhq/parley/bench/internal/procstat"
)

func TestParseBench(t *testing.T) {
	out := []byte(`goos: linux
BenchmarkDecode/480p-2         	      10	    976286 ns/op	         0.9763 ms/frame	         0.8815 p50-ms/frame
BenchmarkEncode/parley/720p/cpu-used=-12/threads=1-2   30   9000000 ns/op   9.1 ms/frame   8.7 p50-ms/frame
BenchmarkAudioReceive-2   1000   50000 ns/op   12 B/op
PASS
`)
	got := parseBench(out)
	want := []CodecRow{{"BenchmarkDecode/480p", 0.9763}, {"BenchmarkEncode/parley/720p/cpu-used=-12/threads=1", 9.1}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestDesktopCPUCountsGoAndWebKitOnly(t *testing.T) {
	rows := desktopCPU([]procstat.Usage{
		{Role: "parley-dev", CPU: 0.2, MaxRSSMiB: 100},
		{Role: "WebKitWebProces", CPU: 0.3, MaxRSSMiB: 200},
		{Role: "WebKitNetworkPr", CPU: 0.01, MaxRSSMiB: 50},
		{Role: "Xvfb", CPU: 0.1, MaxRSSMiB: 30},
		{Role: "renderer", CPU: 0.4, MaxRSSMiB: 300},
		{Role: "node", CPU: 0.05, MaxRSSMiB: 80},
	})
	got := map[string]CPURow{}
	for _, r := range rows {
		got[r.Process] = r
	}
	if tot := got["desktop total (Go + WebKit)"]; tot.CPU < 0.509 || tot.CPU > 0.511 || tot.RSSMiB != 350 {
		t.Errorf("desktop total %+v", tot)
	}
	if x := got["Xvfb (X server, not counted)"]; x.CPU != 0.1 {
		t.Errorf("Xvfb %+v", x)
	}
	if c := got["Chromium peer + instrument page (not counted)"]; c.CPU != 0.4 {
		t.Errorf("Chromium %+v (node must not count)", c)
	}
}
