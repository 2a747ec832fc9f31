package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/parleyhq/parley/app/media/wav"
	"github.com/parleyhq/parley/internal/audioscore"
)

// EchoRow is one echo canceller on the echo recording.
type EchoRow struct {
	Engine string `json:"engine"`
	// ERLE is the echo removed over far-end single talk, after 2 s of
	// convergence, in dB.
	ERLE float64 `json:"erleDb"`
	// DoubleTalkSTOI is how intelligible the near-end speech stays while
	// both talk (1: as spoken).
	DoubleTalkSTOI float64 `json:"doubleTalkStoi"`
	// MicroPerFrame is the processing time of one 10 ms frame.
	MicroPerFrame float64 `json:"usPerFrame"`
}

// echoRun is one run of bench/aec's tool: an engine, alone or with its
// noise suppression and gain control.
type echoRun struct {
	engine string
	all    bool // -ns -agc
}

// echoRuns are the cancellers bench/aec runs: none (the echo as it is),
// speex (Parley's app/media/voice), Debian 12's WebRTC AudioProcessing
// 0.3 (where it is installed) and WebRTC's current AEC3, which Chromium
// runs. Each is measured alone and as a call would run it, with noise
// suppression and gain control.
var echoRuns = []echoRun{
	{"none", false},
	{"speex", false}, {"speex", true},
	{"webrtc03", false}, {"webrtc03", true},
	{"aec3", false}, {"aec3", true},
}

// echoScene is a recording of a room: what the speaker played (far) and
// what the microphone heard (the far end's echo, and the near end's
// speech from halfway on).
type echoScene struct {
	far, mic, near string
	farPCM, micPCM []float32
	nearPCM        []float32 // clean, as spoken, on the mic's timeline
	half           int
}

// room is the echo path of a laptop on a desk: the speaker's sound
// arrives 70 ms later (the devices' buffers and the air) at −3 dB, then a
// reverberant tail decaying by 60 dB in 150 ms, 10 dB weaker than the
// direct sound in all (a direct-to-reverberant ratio of a small room at
// arm's length).
func room(rng *rand.Rand) []float32 {
	const delay, rt60, drr = 70 * wav.SampleRate / 1000, 0.150, 10.0
	n := delay + int(rt60*wav.SampleRate)
	ir := make([]float32, n)
	direct := math.Pow(10, -3.0/20)
	ir[delay] = float32(direct)
	tail := make([]float64, n)
	var e float64
	for i := delay + 1; i < n; i++ {
		t := float64(i-delay) / wav.SampleRate
		tail[i] = rng.NormFloat64() * math.Pow(10, -3*t/rt60)
		e += tail[i] * tail[i]
	}
	g := math.Sqrt(direct * direct * math.Pow(10, -drr/10) / e)
	for i := delay + 1; i < n; i++ {
		ir[i] = float32(g * tail[i])
	}
	return ir
}

func convolve(x, h []float32) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		if v == 0 {
			continue
		}
		for j, g := range h {
			if i+j >= len(out) {
				break
			}
			out[i+j] += v * g
		}
	}
	return out
}

// makeEchoScene speaks the far end (one voice) and the near end (another)
// and mixes the microphone's signal.
func makeEchoScene(e *env) (*echoScene, error) {
	speak := func(voice string, lines []string, name string) ([]float32, error) {
		var all []float32
		for i, s := range lines {
			raw := filepath.Join(e.tmp, fmt.Sprintf("%s%d.wav", name, i))
			if out, err := exec.Command("espeak-ng", "-v", voice, "-w", raw, s).CombinedOutput(); err != nil {
				return nil, fmt.Errorf("espeak-ng: %v: %s", err, out)
			}
			pcm, err := readWAV(raw)
			if err != nil {
				return nil, err
			}
			all = append(all, pcm...)
			all = append(all, make([]float32, wav.SampleRate/5)...)
		}
		return all, nil
	}
	far, err := speak("en-gb+f3", harvard[:8], "far")
	if err != nil {
		return nil, err
	}
	nearSpeech, err := speak("en-us", harvard[5:9], "near")
	if err != nil {
		return nil, err
	}
	s := &echoScene{farPCM: far, half: len(far) / 2}
	rng := rand.New(rand.NewPCG(1, 2)) // the same room every run
	echo := convolve(far, room(rng))
	s.nearPCM = make([]float32, len(far))
	copy(s.nearPCM[s.half:], nearSpeech)
	s.micPCM = make([]float32, len(far))
	for i := range s.micPCM {
		// A quiet room's noise floor, −60 dBFS.
		s.micPCM[i] = echo[i] + 0.5*s.nearPCM[i] + float32(0.001*rng.NormFloat64())
	}
	s.far, s.mic, s.near = filepath.Join(e.tmp, "echo-far.wav"), filepath.Join(e.tmp, "echo-mic.wav"), filepath.Join(e.tmp, "echo-near.wav")
	for _, f := range []struct {
		path string
		pcm  []float32
	}{{s.far, s.farPCM}, {s.mic, s.micPCM}, {s.near, s.nearPCM}} {
		if err := writeWAV(f.path, f.pcm); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// echoCandidates runs each engine over the same scene. bench/aec is a
// module of its own: WebRTC's AEC3 is a large C++ build that the product
// does not link (docs/architecture.md, "Sound", says why).
func echoCandidates(ctx context.Context, e *env) ([]EchoRow, error) {
	s, err := makeEchoScene(e)
	if err != nil {
		return nil, err
	}
	tool := filepath.Join(e.tmp, "aec")
	build := exec.CommandContext(ctx, "bash", filepath.Join(e.root, "bench/aec/build.sh"), "-o", tool)
	build.Dir = filepath.Join(e.root, "bench/aec")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building bench/aec: %v: %s", err, lastLines(string(out), 5))
	}
	var rows []EchoRow
	for _, run := range echoRuns {
		engine := run.engine
		if run.all {
			engine += " +ns +agc"
		}
		if _, err := os.Stat(tool + "-webrtc03"); run.engine == "webrtc03" && err != nil {
			continue // build.sh found no libwebrtc-audio-processing-dev
		}
		out := filepath.Join(e.tmp, "echo-out-"+strings.ReplaceAll(engine, " ", "")+".wav")
		args := []string{"-engine", run.engine, "-far", s.far, "-mic", s.mic, "-out", out}
		if run.all {
			args = append(args, "-ns", "-agc")
		}
		cmd := exec.CommandContext(ctx, tool, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return rows, fmt.Errorf("aec -engine %s: %v: %s", engine, err, lastLines(stderr.String(), 5))
		}
		var timing struct {
			MicroPerFrame float64 `json:"us_per_frame"`
		}
		_ = json.Unmarshal(stdout.Bytes(), &timing)
		cleaned, err := readWAV(out)
		if err != nil {
			return rows, err
		}
		row, err := scoreEcho(s, cleaned)
		if err != nil {
			return rows, fmt.Errorf("%s: %w", engine, err)
		}
		row.Engine, row.MicroPerFrame = engine, timing.MicroPerFrame
		rows = append(rows, row)
	}
	return rows, nil
}

// scoreEcho scores a canceller's output: ERLE from 2 s to the middle (the
// far end alone), STOI of the second half against the near end's clean
// speech.
func scoreEcho(s *echoScene, out []float32) (EchoRow, error) {
	if len(out) < len(s.micPCM) {
		out = append(out, make([]float32, len(s.micPCM)-len(out))...)
	}
	from := 2 * wav.SampleRate
	row := EchoRow{ERLE: audioscore.ERLE(s.micPCM[from:s.half], out[from:s.half])}
	near := s.nearPCM[s.half:]
	// A canceller may hand its output back a frame late.
	lag, _ := audioscore.Align(near, out[s.half:], wav.SampleRate/50)
	stoi, err := audioscore.STOI(near, audioscore.Slice(out[s.half:], lag, len(near)), wav.SampleRate)
	row.DoubleTalkSTOI = stoi
	return row, err
}

// echoMarkdown renders the echo candidates.
func echoMarkdown(w func(string, ...any), rows []EchoRow) {
	w("\n### Echo cancellers on one recording (far end through a 70 ms, −3 dB room with a 150 ms tail 10 dB under the direct sound; near end from halfway; goal ERLE ≥ 30 dB, double-talk STOI ≥ 0.85)\n\n")
	w("| Engine | ERLE dB (far end alone, after 2 s) | double-talk STOI | µs per 10 ms frame |\n|---|---|---|---|\n")
	for _, r := range rows {
		w("| %s | %.1f | %.3f | %.0f |\n", r.Engine, r.ERLE, r.DoubleTalkSTOI, r.MicroPerFrame)
	}
	w("\nnone is the echo as the microphone hears it; speex is what Parley runs (app/media/voice); webrtc03 is Debian 12's libwebrtc-audio-processing (the old AEC); aec3 is WebRTC's current one, what Chromium runs (github.com/CoyAce/apm, built by bench/aec). +ns +agc adds each one's noise suppression and gain control, as a call runs them.\n")
}
