// Command aec runs one echo canceller offline over a recording, to compare
// the echo cancellation candidates of `make bench`'s sound section on the
// same echo: Parley's own (app/media/voice: speexdsp's MDF canceller and
// preprocessor), WebRTC's AudioProcessing with AEC3 (github.com/CoyAce/apm),
// and optionally Debian 12's WebRTC AudioProcessing 0.3 (the old AEC).
//
//	aec -engine aec3|speex|webrtc03|none -far far.wav -mic mic.wav -out out.wav [-ns] [-agc] [-delay-ms N]
//
// far.wav is what the speaker played, mic.wav what the microphone heard
// (echo plus near-end speech), both 48 kHz mono 16-bit PCM. They are fed
// in 10 ms frames as a live call feeds them: a played frame, then the
// captured frame, in lockstep. out.wav is the processed microphone. One
// JSON line on stdout gives the time each 10 ms frame took.
//
// Build it with build.sh (apm needs cgo flags to build on Linux). Two
// WebRTCs cannot share a process (their C++ symbols have the same names,
// and the dynamic linker binds the 0.3 library's calls to apm's code), so
// webrtc03 is a second binary, aec-webrtc03 (-tags webrtc03, without
// aec3), which aec runs for -engine webrtc03. build.sh makes it where it
// finds Debian 12's libwebrtc-audio-processing-dev (0.3).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/parleyhq/parley/app/media/wav"
)

// frame is 10 ms at 48 kHz, the unit every engine works in.
const frame = wav.SampleRate / 100

// options are what an engine is started with.
type options struct {
	ns, agc bool
	delayMs int // render-to-capture delay hint, where the engine takes one
}

// engine is one canceller: render feeds a played frame, capture cleans
// the captured frame in place. Both take exactly one frame.
type engine interface {
	render(far []float32) error
	capture(mic []float32) error
	close()
}

// engines start a canceller by name; aec3.go and webrtc03.go add theirs.
var engines = map[string]func(options) (engine, error){
	"none":  func(options) (engine, error) { return passthrough{}, nil },
	"speex": newSpeex,
}

// result is the JSON line printed.
type result struct {
	Engine     string  `json:"engine"`
	NS         bool    `json:"ns"`
	AGC        bool    `json:"agc"`
	DelayMs    int     `json:"delay_ms"`
	Frames     int     `json:"frames"`
	MeanUs     float64 `json:"us_per_frame"` // render + capture, mean
	P99Us      float64 `json:"p99_us"`
	MaxUs      float64 `json:"max_us"`
	RealtimeX  float64 `json:"realtime_factor"` // 10 ms / mean time
	FirstFrame float64 `json:"first_frame_us"`  // includes lazy start-up work
}

func main() {
	name := flag.String("engine", "aec3", "aec3, speex, webrtc03 or none")
	farPath := flag.String("far", "", "what the speaker played (WAV)")
	micPath := flag.String("mic", "", "what the microphone heard (WAV)")
	outPath := flag.String("out", "", "the processed microphone (WAV)")
	var o options
	flag.BoolVar(&o.ns, "ns", false, "noise suppression too")
	flag.BoolVar(&o.agc, "agc", false, "automatic gain control too")
	flag.IntVar(&o.delayMs, "delay-ms", 0, "render-to-capture delay hint (aec3, webrtc03)")
	flag.Parse()
	if *farPath == "" || *micPath == "" || *outPath == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	start, ok := engines[*name]
	if !ok {
		fail(fmt.Errorf("no engine %q in this binary", *name))
	}
	e, err := start(o)
	if err != nil {
		fail(fmt.Errorf("%s: %w", *name, err))
	}
	far, err := read(*farPath)
	if err != nil {
		fail(err)
	}
	mic, err := read(*micPath)
	if err != nil {
		fail(err)
	}
	out, took, err := run(e, far, mic)
	e.close()
	if err != nil {
		fail(fmt.Errorf("%s: %w", *name, err))
	}
	f, err := os.Create(*outPath)
	if err == nil {
		err = wav.Write(f, out)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fail(err)
	}
	r := summarize(took)
	r.Engine, r.NS, r.AGC, r.DelayMs = *name, o.ns, o.agc, o.delayMs
	line, _ := json.Marshal(r)
	fmt.Println(string(line))
}

// run feeds far and mic through e frame by frame (the far end padded with
// silence or cut to the microphone's length) and returns the processed
// microphone and each frame's processing time.
func run(e engine, far, mic []float32) ([]float32, []time.Duration, error) {
	n := (len(mic) + frame - 1) / frame
	out := make([]float32, n*frame)
	copy(out, mic)
	play := make([]float32, n*frame)
	copy(play, far)
	took := make([]time.Duration, n)
	for i := range n {
		rf, cf := play[i*frame:(i+1)*frame], out[i*frame:(i+1)*frame]
		t := time.Now()
		if err := e.render(rf); err != nil {
			return nil, nil, err
		}
		if err := e.capture(cf); err != nil {
			return nil, nil, err
		}
		took[i] = time.Since(t)
	}
	return out[:len(mic)], took, nil
}

func summarize(took []time.Duration) result {
	r := result{Frames: len(took)}
	if len(took) == 0 {
		return r
	}
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
	var sum time.Duration
	for _, d := range took {
		sum += d
	}
	r.FirstFrame = us(took[0])
	r.MeanUs = us(sum) / float64(len(took))
	sorted := slices.Clone(took)
	slices.Sort(sorted)
	r.P99Us = us(sorted[len(sorted)*99/100])
	r.MaxUs = us(sorted[len(sorted)-1])
	if r.MeanUs > 0 {
		r.RealtimeX = 10000 / r.MeanUs
	}
	return r
}

func read(path string) ([]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := wav.Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "aec:", err)
	os.Exit(1)
}

// passthrough is no processing: the microphone as it is.
type passthrough struct{}

func (passthrough) render([]float32) error  { return nil }
func (passthrough) capture([]float32) error { return nil }
func (passthrough) close()                  {}
