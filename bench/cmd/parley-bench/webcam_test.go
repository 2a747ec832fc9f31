package main

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/parleyhq/parley/bench/internal/stats"
)

func TestFramePairs(t *testing.T) {
	rows := parseBench([]byte(`goos: linux
BenchmarkWebcamFrame/mjpeg-720p/parley-2         	     60	   3100000 ns/op	         3.100 ms/frame
BenchmarkWebcamFrame/mjpeg-720p/mediadevices-2   	     60	  13900000 ns/op	        13.90 ms/frame
BenchmarkWebcamFrame/yuyv-720p/parley-2          	     60	    110000 ns/op	         0.1100 ms/frame
BenchmarkWebcamFrame/yuyv-720p/mediadevices-2    	     60	   1150000 ns/op	         1.150 ms/frame
BenchmarkWebcamFrame/nv12-720p/parley-2          	     60	    110000 ns/op	         0.0900 ms/frame
BenchmarkDecode/640x480-2                        	     60	    110000 ns/op	         1.2 ms/frame
PASS
`))
	got := framePairs(rows)
	want := []FramePair{{Name: "mjpeg-720p", ParleyMs: 3.1, BeforeMs: 13.9}, {Name: "yuyv-720p", ParleyMs: 0.11, BeforeMs: 1.15}} // nv12 has no before: left out
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("framePairs = %+v, want %+v", got, want)
	}
	addChromium(got, parseBench([]byte("BenchmarkChromiumMJPEG/mjpeg-720p-2   	     60	   2900000 ns/op	         2.900 ms/frame\n")))
	if got[0].ChromiumMs != 2.9 || got[1].ChromiumMs != 0 {
		t.Fatalf("after addChromium: %+v", got)
	}
}

func TestWebcamMarkdown(t *testing.T) {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	webcamMarkdown(w, &WebcamResults{
		PerFrame:  []FramePair{{Name: "mjpeg-720p", ParleyMs: 3.1, BeforeMs: 13.9, ChromiumMs: 2.9}},
		CPU:       []CallCPU{{Cameras: "MJPEG", DeskCores: 0.6, PeerCores: 0.8}},
		ColdStart: ColdStart{"desktop": {N: 5, Median: 850}, "chromium": {N: 5, Median: 1000}},
		Load:      []LoadRow{{Case: "a", Direction: "Chromium→Chromium", QuietFPS: 30, HogFPS: 24, Quiet: stats.Summary{Median: 40, P95: 50}, Hog: stats.Summary{Median: 60, P95: 100}}},
	})
	md := b.String()
	for _, want := range []string{"| mjpeg-720p | 3.10 | 13.90 | 4.48 | 2.90 | 1.07 |", "| 0.60 | ", "| 0.80 | 0.75 |", "| desktop app (production build) | 5 | 850 |", "0.85 |", "| 30.0 → 24.0 | 20% | 40 → 60 | 50 → 100 | 1.50 / 2.00 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("the section lacks %q:\n%s", want, md)
		}
	}
}
