package main

import "testing"

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
