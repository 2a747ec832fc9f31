package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/app/media/wav"
	"github.com/parleyhq/parley/bench/internal/stats"
	"github.com/parleyhq/parley/internal/audioscore"
)

// soundPlan is the sound section: speech sent through each loss
// condition Parley→Parley and Chromium→Chromium, and clicks timed from
// one microphone to the other's speaker.
type soundPlan struct {
	sentences int // of harvard, spoken as the sent speech
	losses    []loss
	clicks    int
	calls     int // calls per mouth-to-ear case
	// echo runs the echo cancellers (a few minutes' C++ build the first
	// time, so not in the smoke run).
	echo bool
}

// harvard are sentences from the Harvard lists (IEEE 1969), which speech
// tests use because their phonemes are balanced.
var harvard = []string{
	"The birch canoe slid on the smooth planks.",
	"Glue the sheet to the dark blue background.",
	"It's easy to tell the depth of a well.",
	"These days a chicken leg is a rare dish.",
	"Rice is often served in round bowls.",
	"The juice of lemons makes fine punch.",
	"The box was thrown beside the parked truck.",
	"The hogs were fed chopped corn and garbage.",
	"Four hours of steady work faced us.",
	"A large size in stockings is hard to sell.",
}

// SoundResults is the sound section of latest.json.
type SoundResults struct {
	SpeechSeconds float64        `json:"speechSeconds"`
	Loss          []SoundLossRow `json:"loss"`
	MouthToEar    []SoundDelay   `json:"mouthToEar"`
	Echo          []EchoRow      `json:"echo,omitempty"`
}

// SoundLossRow is one stack at one loss condition: the receiver's
// recording aligned with the sent speech and scored against it.
type SoundLossRow struct {
	Loss loss   `json:"loss"`
	Case string `json:"case"` // "a" Chromium→Chromium, "c" Parley→Parley
	// STOI is intelligibility, 0–1 (1: as sent); LSD the log-spectral
	// distance in dB (0: as sent).
	STOI float64 `json:"stoi"`
	LSD  float64 `json:"lsdDb"`
	// The receiver's counters: packets lost on the way, rebuilt from FEC
	// (Parley; Chromium does not count them) and concealed.
	Received  int64 `json:"packetsReceived"`
	Lost      int64 `json:"packetsLost"`
	Recovered int64 `json:"recovered"`
	Concealed int64 `json:"concealed"`
	// Dropped is what the loss rules dropped, both ways (-1 unknown).
	Dropped int `json:"dropped"`
}

// SoundDelay is mouth-to-ear delay: from a click entering the sender's
// microphone to it leaving the receiver's speaker.
type SoundDelay struct {
	Case string        `json:"case"`
	MS   stats.Summary `json:"ms"`
	// CallMedians is each call's median: a case's calls differ by more
	// than its clicks do (each call starts its clocks afresh).
	CallMedians []float64 `json:"callMedians"`
	// JitterBufferMS is what a Chromium receiver's jitter buffer (NetEq)
	// held the audio on average (jitterBufferDelay per sample), over the
	// calls: the part of the delay the receiver sets from how evenly the
	// packets came.
	JitterBufferMS float64 `json:"jitterBufferMs,omitempty"`
	// CaptureLeadMS, for a Chromium sender, is how long before its page
	// recorded a click Chromium had captured it (its abs-capture-time
	// stamps on the wire; the mean over the calls that had them): what
	// moves the case's clock to the sender's capture, where a Parley
	// sender's starts.
	CaptureLeadMS float64 `json:"captureLeadMs,omitempty"`
}

// clickCall is one call's click delays (ms), its receiver's jitter
// buffer delay (Chromium's; 0 for Parley's) and, for a Chromium sender,
// its capture lead (captureLead; ok false without stamps).
type clickCall struct {
	ms             []float64
	jitterBufferMS float64
	captureLeadMS  float64
	leadOK         bool
}

// soundFiles are the generated test sounds.
type soundFiles struct {
	speech, clicks string
	speechPCM      []float32
	clickPCM       []float32
}

func fullSoundPlan() soundPlan {
	return soundPlan{sentences: len(harvard), clicks: 8, calls: 3, losses: []loss{{0, false}, {5, false}, {10, false}, {20, false}, {10, true}}, echo: true}
}

func smokeSoundPlan() soundPlan {
	return soundPlan{sentences: 2, clicks: 2, calls: 1, losses: []loss{{0, false}}}
}

func (p soundPlan) execute(ctx context.Context, e *env, res *Results, fail func(string, error), step func(string, ...any)) {
	files, err := makeSoundFiles(e, p)
	if err != nil {
		fail("sound: test speech", err)
		return
	}
	res.Sound = &SoundResults{SpeechSeconds: float64(len(files.speechPCM)) / wav.SampleRate}
	nsWhy := canNamespace()
	for _, l := range p.losses {
		if l.Percent > 0 && nsWhy != "" {
			res.Skipped = append(res.Skipped, Skip{What: "sound at " + l.String() + " loss", Why: nsWhy})
			continue
		}
		for _, c := range []struct {
			name string
			fn   func(context.Context, *env, *soundNet, soundFiles) (SoundLossRow, error)
		}{{"a", chromiumSpeech}, {"c", parleySpeech}} {
			step("sound (%s): speech at %s loss", c.name, l)
			row, err := inSoundNet(ctx, l, nsWhy == "", func(n *soundNet) (SoundLossRow, error) {
				row, err := c.fn(ctx, e, n, files)
				row.Dropped = -1
				if n.ns != "" && !l.Burst {
					row.Dropped = n.dropped()
				}
				return row, err
			})
			if err != nil {
				fail(fmt.Sprintf("sound (%s) at %s loss", c.name, l), err)
				continue
			}
			row.Loss, row.Case = l, c.name
			step("sound (%s) at %s loss: STOI %.3f, LSD %.2f dB", c.name, l, row.STOI, row.LSD)
			res.Sound.Loss = append(res.Sound.Loss, row)
		}
	}
	for _, c := range []struct {
		name string
		fn   func(context.Context, *env, *soundNet, soundFiles) (clickCall, error)
	}{{"a", chromiumClicks}, {"b", parleyChromiumClicks}, {"c", parleyClicks}} {
		d := SoundDelay{Case: c.name}
		var all []float64
		leads := 0
		for call := range p.calls {
			step("sound (%s): mouth to ear, call %d of %d, %d clicks", c.name, call+1, p.calls, p.clicks)
			r, err := inSoundNet(ctx, loss{}, nsWhy == "", func(n *soundNet) (clickCall, error) { return c.fn(ctx, e, n, files) })
			if err != nil {
				fail(fmt.Sprintf("sound (%s) mouth to ear, call %d", c.name, call+1), err)
				continue
			}
			all = append(all, r.ms...)
			d.CallMedians = append(d.CallMedians, stats.Summarize(r.ms).Median)
			d.JitterBufferMS += r.jitterBufferMS
			if r.leadOK {
				d.CaptureLeadMS += r.captureLeadMS
				leads++
			}
		}
		if leads > 0 {
			d.CaptureLeadMS /= float64(leads)
		}
		if len(d.CallMedians) == 0 {
			continue
		}
		d.MS = stats.Summarize(all)
		d.JitterBufferMS /= float64(len(d.CallMedians))
		res.Sound.MouthToEar = append(res.Sound.MouthToEar, d)
	}
	if !p.echo {
		return
	}
	step("sound: echo cancellers on one recording")
	rows, err := echoCandidates(ctx, e)
	if err != nil {
		fail("sound: echo cancellers", err)
	}
	res.Sound.Echo = rows
}

// inSoundNet runs fn with a network of its own (a namespace when ns, else
// the host's loopback), torn down afterwards.
func inSoundNet[T any](ctx context.Context, l loss, ns bool, fn func(*soundNet) (T, error)) (T, error) {
	n := &soundNet{}
	if ns {
		var err error
		if n, err = newSoundNet(ctx, l); err != nil {
			var zero T
			return zero, err
		}
	}
	defer n.close()
	return fn(n)
}

// makeSoundFiles speaks the sentences with espeak-ng and writes the
// speech and the click track as 48 kHz mono WAV, which both Parley's
// --mic-file and Chromium's fake microphone read.
func makeSoundFiles(e *env, p soundPlan) (soundFiles, error) {
	var f soundFiles
	var all []float32
	for i, s := range harvard[:p.sentences] {
		raw := filepath.Join(e.tmp, fmt.Sprintf("sentence%d.wav", i))
		if out, err := exec.Command("espeak-ng", "-v", "en-us", "-w", raw, s).CombinedOutput(); err != nil {
			return f, fmt.Errorf("espeak-ng: %v: %s", err, out)
		}
		pcm, err := readWAV(raw)
		if err != nil {
			return f, err
		}
		all = append(all, pcm...)
		all = append(all, make([]float32, wav.SampleRate/4)...) // a breath between sentences
	}
	f.speechPCM = append(make([]float32, int(speechLead.Seconds()*wav.SampleRate)), all...)
	f.clickPCM = clickTrack(p.clicks)
	f.speech, f.clicks = filepath.Join(e.tmp, "speech.wav"), filepath.Join(e.tmp, "clicks.wav")
	if err := writeWAV(f.speech, f.speechPCM); err != nil {
		return f, err
	}
	return f, writeWAV(f.clicks, f.clickPCM)
}

// speechLead is the silence before the speech. Under loss the two ends
// of a call connect apart: the DTLS server is done when it sends the
// last flight, the client when that flight arrives, and a lost one is
// sent again after 1 s, then 2, 4, 8 s (docs/benchmarks.md). A headless
// Parley starts its microphone file once the peer reports receiving its
// audio, so its callee always records the whole file; Chromium's file
// starts as the call is placed, before it connects, and the lead covers
// that setup in the common cases, so that neither stack is scored on it.
const speechLead = 4 * time.Second

// clickInterval is the time between clicks: longer than any delay to
// measure, so each received click pairs with one sent.
const clickInterval = time.Second

// clickTrack is n clicks, one per clickInterval after a second of
// silence: 20 ms of 1 kHz with 2 ms ramps, loud enough to time at once
// and voiced enough that Opus's voice detector sends it at full rate.
func clickTrack(n int) []float32 {
	per := int(clickInterval.Seconds() * wav.SampleRate)
	out := make([]float32, (n+1)*per+wav.SampleRate)
	burst, ramp := wav.SampleRate/50, wav.SampleRate/500
	for k := range n {
		at := (k + 1) * per
		for i := range burst {
			g := 0.5 * min(1, float64(i)/float64(ramp), float64(burst-i)/float64(ramp))
			out[at+i] = float32(g * math.Sin(2*math.Pi*1000*float64(i)/wav.SampleRate))
		}
	}
	return out
}

// clickOnsets are the starts of the clicks in x, as Unix ms given the
// wall-clock time of x's first sample.
func clickOnsets(x []float32, startMs float64) []float64 {
	var at []float64
	for _, i := range audioscore.Onsets(x, wav.SampleRate, 0.1, clickInterval/2) {
		at = append(at, startMs+1000*float64(i)/wav.SampleRate)
	}
	return at
}

// pairDelays pairs each sent click with the first received one after it
// (within a click interval) and returns the delays in ms.
func pairDelays(sent, received []float64) ([]float64, error) {
	var d []float64
	j := 0
	for _, s := range sent {
		for j < len(received) && received[j] < s {
			j++
		}
		if j < len(received) && received[j]-s < float64(clickInterval.Milliseconds()) {
			d = append(d, received[j]-s)
			j++
		}
	}
	if len(d) < (len(sent)+1)/2 {
		return d, fmt.Errorf("only %d of %d clicks arrived (%d heard)", len(d), len(sent), len(received))
	}
	return d, nil
}

// scoreSpeech aligns the received recording with the sent speech and
// scores it. Both stacks stretch and shrink their playout as jitter
// comes and goes, and concealment changes the waveform, so the whole is
// placed by the speech's loudness envelope, then each 2 s piece by its
// waveform within 150 ms of where the piece before it was found (by its
// envelope where a waveform no longer matches).
func scoreSpeech(sent, rec []float32) (stoi, lsd float64, err error) {
	// The start by the lead and the first seconds' coarse envelope
	// (50 ms), before playout has moved much, searched a lead's length
	// and more either way (the ends start their timelines up to a lead
	// apart); then each piece from where the one before it was found, on
	// a fine envelope (5 ms) where the waveform fails.
	const coarse, hop = wav.SampleRate / 20, wav.SampleRate / 200
	lead := int(speechLead.Seconds() * wav.SampleRate)
	head := sent[:min(len(sent), lead+5*wav.SampleRate)]
	lag, peak := audioscore.Align(envelope(head, coarse), envelope(rec, coarse), (lead+2*wav.SampleRate)/coarse)
	if peak < 0.5 {
		return 0, 0, fmt.Errorf("the recording does not hold the speech (envelope correlation %.2f)", peak)
	}
	lag *= coarse
	const piece, slack = 2 * wav.SampleRate, 150 * wav.SampleRate / 1000
	aligned := make([]float32, 0, len(sent))
	for o := 0; o < len(sent); o += piece {
		n := min(piece, len(sent)-o)
		window := audioscore.Slice(rec, lag+o-slack, n+2*slack)
		at := slack
		// window[at+k] is sent[o+k]; at is slack where the piece before
		// left off.
		if l, p := audioscore.Align(sent[o:o+n], window, 2*slack); p > 0.3 {
			at = l
		} else if l, p := audioscore.Align(envelope(sent[o:o+n], hop), envelope(window, hop), 2*slack/hop); p > 0.5 {
			at = l * hop
		}
		at = max(0, min(at, 2*slack))
		lag += at - slack
		aligned = append(aligned, audioscore.Slice(window, at, n)...)
	}
	if stoi, err = audioscore.STOI(sent, aligned, wav.SampleRate); err != nil {
		return 0, 0, err
	}
	lsd, err = audioscore.LogSpectralDistance(sent, aligned, wav.SampleRate)
	return stoi, lsd, err
}

// envelope is x's loudness every hop samples (RMS), less its mean, so
// that correlating two envelopes compares where speech is, not how much.
func envelope(x []float32, hop int) []float32 {
	env := make([]float32, len(x)/hop)
	var mean float64
	for i := range env {
		var e float64
		for _, v := range x[i*hop : (i+1)*hop] {
			e += float64(v) * float64(v)
		}
		env[i] = float32(math.Sqrt(e / float64(hop)))
		mean += float64(env[i])
	}
	if len(env) > 0 {
		mean /= float64(len(env))
	}
	for i := range env {
		env[i] -= float32(mean)
	}
	return env
}

// soundSignal starts parley-signal in n and returns its port.
func soundSignal(ctx context.Context, e *env, n *soundNet) (port int, stop func(), err error) {
	port = 6503 // a namespace of its own has every port free
	if n.ns == "" {
		if port, err = freePort(); err != nil {
			return 0, nil, err
		}
	}
	cmd := n.command(ctx, filepath.Join(e.bin, "parley-signal"), "--addr", "127.0.0.1:"+strconv.Itoa(port))
	if err := cmd.Start(); err != nil {
		return 0, nil, err
	}
	stop = func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	if err := n.waitListening(ctx, port, 15*time.Second); err != nil {
		stop()
		return 0, nil, err
	}
	return port, stop, nil
}

// soundPeer is one `parley --headless` of the sound benchmark.
type soundPeer struct {
	cmd        *exec.Cmd
	stats, rec string
	stderr     bytes.Buffer
}

// soundHeadless mirrors the part of app/engine/headless.Result read here.
type soundHeadless struct {
	Connected       bool    `json:"connected"`
	MediaFilesAtMs  int64   `json:"mediaFilesAtMs"`
	MicCapturedAtMs float64 `json:"micCapturedAtMs"`
	Last            struct {
		AudioPacketsReceived uint32 `json:"audioPacketsReceived"`
		AudioRecovered       uint64 `json:"audioRecovered"`
		AudioConcealed       uint64 `json:"audioConcealed"`
	} `json:"lastStats"`
}

// startSoundPeer runs a headless Parley in n with its microphone
// processing off, as the Chromium pages have theirs: the figures are the
// network's and the receiver's, not a noise suppressor's.
func startSoundPeer(ctx context.Context, e *env, n *soundNet, port int, name, call, micFile string, d time.Duration) (*soundPeer, error) {
	p := &soundPeer{stats: filepath.Join(e.tmp, name+"-sound.json"), rec: filepath.Join(e.tmp, name+"-speaker.wav")}
	args := []string{"--headless", "--server", fmt.Sprintf("ws://127.0.0.1:%d/", port), "--name", name, "--fake-media",
		"--no-echo-cancel", "--no-noise-suppression", "--no-auto-gain",
		"--duration", d.String(), "--wait", "60s", "--stats-json", p.stats, "--speaker-file", p.rec}
	if micFile != "" {
		args = append(args, "--mic-file", micFile)
	}
	if call != "" {
		args = append(args, "--call", call)
	} else {
		args = append(args, "--auto-answer")
	}
	p.cmd = n.command(ctx, filepath.Join(e.bin, "parley"), args...)
	p.cmd.Stderr = &p.stderr
	p.cmd.WaitDelay = 10 * time.Second
	return p, p.cmd.Start()
}

// captured is where a Parley sender's clicks start their clock: where
// its test microphone handed the file on, as a Chromium sender's start
// where its page records the microphone, after capture.
func (h *soundHeadless) captured() float64 {
	if h.MicCapturedAtMs == 0 {
		return float64(h.MediaFilesAtMs)
	}
	return h.MicCapturedAtMs
}

func (p *soundPeer) wait() (*soundHeadless, []float32, error) {
	err := p.cmd.Wait()
	b, rerr := os.ReadFile(p.stats)
	if rerr != nil {
		return nil, nil, fmt.Errorf("parley --headless: %v, no stats (%v): %s", err, rerr, lastLines(p.stderr.String(), 5))
	}
	var r soundHeadless
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, nil, err
	}
	if !r.Connected {
		return nil, nil, fmt.Errorf("parley --headless did not connect: %s", lastLines(p.stderr.String(), 5))
	}
	pcm, err := readWAV(p.rec)
	return &r, pcm, err
}

// parleyPair is alice (sending micFile) calling bob, each in n, for long
// enough that all of it is played out; it returns both peers' results
// and what bob's speaker played.
func parleyPair(ctx context.Context, e *env, n *soundNet, micFile string, seconds float64) (alice, bob *soundHeadless, played []float32, err error) {
	port, stop, err := soundSignal(ctx, e, n)
	if err != nil {
		return nil, nil, nil, err
	}
	defer stop()
	d := time.Duration((seconds + 2) * float64(time.Second))
	pb, err := startSoundPeer(ctx, e, n, port, "bob", "", "", d+time.Minute)
	if err != nil {
		return nil, nil, nil, err
	}
	pa, err := startSoundPeer(ctx, e, n, port, "alice", "bob", micFile, d)
	if err != nil {
		_ = pb.cmd.Process.Kill()
		_, _, _ = pb.wait()
		return nil, nil, nil, err
	}
	alice, _, errA := pa.wait()
	bob, played, errB := pb.wait()
	return alice, bob, played, errors.Join(errA, errB)
}

func parleySpeech(ctx context.Context, e *env, n *soundNet, f soundFiles) (SoundLossRow, error) {
	alice, bob, played, err := parleyPair(ctx, e, n, f.speech, float64(len(f.speechPCM))/wav.SampleRate)
	if err != nil {
		return SoundLossRow{}, err
	}
	row := SoundLossRow{Received: int64(bob.Last.AudioPacketsReceived), Recovered: int64(bob.Last.AudioRecovered), Concealed: int64(bob.Last.AudioConcealed)}
	row.Lost = row.Recovered + row.Concealed
	row.STOI, row.LSD, err = scoreSpeech(f.speechPCM, played)
	// alice's file starts once bob reports her audio, so bob records by
	// then; say so if he did not, rather than leave a bare score.
	if late := time.Duration((float64(bob.MediaFilesAtMs) - alice.captured()) * float64(time.Millisecond)); err != nil && late > 0 {
		err = fmt.Errorf("%w; bob began recording %s after alice's microphone began", err, late)
	}
	return row, err
}

func parleyClicks(ctx context.Context, e *env, n *soundNet, f soundFiles) (clickCall, error) {
	alice, bob, played, err := parleyPair(ctx, e, n, f.clicks, float64(len(f.clickPCM))/wav.SampleRate)
	if err != nil {
		return clickCall{}, err
	}
	ms, err := pairDelays(clickOnsets(f.clickPCM, alice.captured()), clickOnsets(played, float64(bob.MediaFilesAtMs)))
	return clickCall{ms: ms}, err
}

func readWAV(path string) ([]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return wav.Read(f)
}

func writeWAV(path string, pcm []float32) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := wav.Write(f, pcm); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// soundPage and soundConfig mirror the Config of bench/web/sound.mjs.
type soundPage struct {
	Name        string `json:"name"`
	Call        string `json:"call,omitempty"`
	MicFile     string `json:"micFile,omitempty"`
	Record      string `json:"record,omitempty"`
	RecordLocal string `json:"recordLocal,omitempty"`
}

type soundConfig struct {
	Signal   string      `json:"signal"`
	Chromium string      `json:"chromium"`
	Pages    []soundPage `json:"pages"`
	Seconds  float64     `json:"seconds"`
	Timeout  int64       `json:"timeout"`
}

// soundRecording is one WAV a page wrote, and the wall-clock time (Unix
// ms) of its first sample.
type soundRecording struct {
	Path    string  `json:"path"`
	StartMs float64 `json:"startMs"`
}

type soundPageResult struct {
	Name        string          `json:"name"`
	Record      *soundRecording `json:"record"`
	RecordLocal *soundRecording `json:"recordLocal"`
	// OutboundAudioSSRC is the SSRC of the audio the page sends.
	OutboundAudioSSRC uint32 `json:"outboundAudioSsrc"`
	AudioStats        struct {
		PacketsReceived     int64   `json:"packetsReceived"`
		PacketsLost         int64   `json:"packetsLost"`
		ConcealmentEvents   int64   `json:"concealmentEvents"`
		JitterBufferDelayMS float64 `json:"jitterBufferDelayMs"`
	} `json:"audioStats"`
}

type soundEvent struct {
	Event string            `json:"event"`
	Pages []soundPageResult `json:"pages"`
	Text  string            `json:"text"`
}

// runSoundPages runs bench/web/sound.mjs in n with cfg; ready, if not
// nil, is called once every page has signed in (a Parley peer may then
// call one of them). It returns the pages' results.
func runSoundPages(ctx context.Context, e *env, n *soundNet, cfg soundConfig, ready func() error) ([]soundPageResult, error) {
	cfg.Chromium, cfg.Timeout = e.chromium, 60000
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	cmd := n.command(ctx, e.node, filepath.Join(e.root, "bench/web/sound.mjs"), string(b))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 10 * time.Second
	if _, err := cmd.StdinPipe(); err != nil { // it exits when its stdin closes
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var pages []soundPageResult
	var failed error
	scanLines(out, func(line []byte) {
		var ev soundEvent
		if json.Unmarshal(line, &ev) != nil || failed != nil {
			return
		}
		switch ev.Event {
		case "ready":
			if ready != nil {
				failed = ready()
			}
		case "result":
			pages = ev.Pages
		case "error":
			failed = errors.New("sound driver: " + ev.Text)
		}
	})
	werr := cmd.Wait()
	if failed != nil {
		return nil, failed
	}
	if pages == nil {
		return nil, fmt.Errorf("sound driver ended without a result: %v: %s", werr, lastLines(stderr.String(), 5))
	}
	return pages, nil
}

func pageNamed(pages []soundPageResult, name string) (soundPageResult, error) {
	for _, p := range pages {
		if p.Name == name {
			return p, nil
		}
	}
	return soundPageResult{}, fmt.Errorf("no result for page %q", name)
}

func chromiumSpeech(ctx context.Context, e *env, n *soundNet, f soundFiles) (SoundLossRow, error) {
	port, stop, err := soundSignal(ctx, e, n)
	if err != nil {
		return SoundLossRow{}, err
	}
	defer stop()
	rec := filepath.Join(e.tmp, "chromium-bob.wav")
	pages, err := runSoundPages(ctx, e, n, soundConfig{
		Signal:  fmt.Sprintf("http://127.0.0.1:%d/", port),
		Pages:   []soundPage{{Name: "alice", Call: "bob", MicFile: f.speech}, {Name: "bob", Record: rec}},
		Seconds: float64(len(f.speechPCM))/wav.SampleRate + 2,
	}, nil)
	if err != nil {
		return SoundLossRow{}, err
	}
	bob, err := pageNamed(pages, "bob")
	if err != nil {
		return SoundLossRow{}, err
	}
	played, err := readWAV(rec)
	if err != nil {
		return SoundLossRow{}, err
	}
	row := SoundLossRow{Received: bob.AudioStats.PacketsReceived, Lost: bob.AudioStats.PacketsLost, Concealed: bob.AudioStats.ConcealmentEvents, Recovered: -1}
	row.STOI, row.LSD, err = scoreSpeech(f.speechPCM, played)
	return row, err
}

// chromiumClicks times clicks from alice's microphone, as her page
// captured it, to bob's speaker: both through the same recorder, so its
// own delay cancels out.
func chromiumClicks(ctx context.Context, e *env, n *soundNet, f soundFiles) (clickCall, error) {
	port, stop, err := soundSignal(ctx, e, n)
	if err != nil {
		return clickCall{}, err
	}
	defer stop()
	local, rec := filepath.Join(e.tmp, "chromium-alice-mic.wav"), filepath.Join(e.tmp, "chromium-bob-clicks.wav")
	tap := tapWire(ctx, n, filepath.Join(e.tmp, "chromium-clicks.pcap"))
	var pkts []rtpOnWire
	pages, err := runSoundPages(ctx, e, n, soundConfig{
		Signal:  fmt.Sprintf("http://127.0.0.1:%d/", port),
		Pages:   []soundPage{{Name: "alice", Call: "bob", MicFile: f.clicks, RecordLocal: local}, {Name: "bob", Record: rec}},
		Seconds: float64(len(f.clickPCM))/wav.SampleRate + 1,
	}, nil)
	if tap != nil {
		var werr error
		if pkts, werr = tap.stop(); werr != nil {
			fmt.Fprintf(e.log, "parley-bench: the wire capture: %v\n", werr)
		}
	}
	if err != nil {
		return clickCall{}, err
	}
	alice, err := pageNamed(pages, "alice")
	if err != nil {
		return clickCall{}, err
	}
	bob, err := pageNamed(pages, "bob")
	if err != nil {
		return clickCall{}, err
	}
	if alice.RecordLocal == nil || bob.Record == nil {
		return clickCall{}, errors.New("sound driver: a recording is missing")
	}
	sent, err := readWAV(local)
	if err != nil {
		return clickCall{}, err
	}
	got, err := readWAV(rec)
	if err != nil {
		return clickCall{}, err
	}
	said := clickOnsets(sent, alice.RecordLocal.StartMs)
	ms, err := pairDelays(said, clickOnsets(got, bob.Record.StartMs))
	lead, ok := captureLead(pkts, alice.OutboundAudioSSRC, said)
	return clickCall{ms, bob.AudioStats.JitterBufferDelayMS, lead, ok}, err
}

// parleyChromiumClicks times clicks from a headless Parley's microphone
// to a Chromium page's speaker.
func parleyChromiumClicks(ctx context.Context, e *env, n *soundNet, f soundFiles) (clickCall, error) {
	port, stop, err := soundSignal(ctx, e, n)
	if err != nil {
		return clickCall{}, err
	}
	defer stop()
	rec := filepath.Join(e.tmp, "chromium-bob-from-parley.wav")
	seconds := float64(len(f.clickPCM))/wav.SampleRate + 1
	var alice *soundPeer
	pages, err := runSoundPages(ctx, e, n, soundConfig{
		Signal:  fmt.Sprintf("http://127.0.0.1:%d/", port),
		Pages:   []soundPage{{Name: "bob", Record: rec}},
		Seconds: seconds,
	}, func() (err error) {
		alice, err = startSoundPeer(ctx, e, n, port, "alice", "bob", f.clicks, time.Duration((seconds+1)*float64(time.Second)))
		return err
	})
	var res *soundHeadless
	if alice != nil {
		var aerr error
		res, _, aerr = alice.wait()
		err = errors.Join(err, aerr)
	}
	if err != nil {
		return clickCall{}, err
	}
	bob, err := pageNamed(pages, "bob")
	if err != nil {
		return clickCall{}, err
	}
	got, err := readWAV(rec)
	if err != nil || bob.Record == nil {
		return clickCall{}, errors.Join(err, errors.New("sound driver: bob's recording is missing"))
	}
	ms, err := pairDelays(clickOnsets(f.clickPCM, res.captured()), clickOnsets(got, bob.Record.StartMs))
	return clickCall{ms: ms, jitterBufferMS: bob.AudioStats.JitterBufferDelayMS}, err
}

// captureClockMarkdown says where the cases start their clocks and, when
// Chromium's capture was read on the wire, gives (a) from its capture.
func captureClockMarkdown(w func(string, ...any), cases []SoundDelay) {
	w("\n(a)'s clock starts where Chromium's page records the click, after Chromium's capture; (b)'s and (c)'s where Parley's test microphone hands it on.")
	var a SoundDelay
	for _, d := range cases {
		if d.Case == "a" {
			a = d
		}
	}
	if a.CaptureLeadMS == 0 {
		w(" Chromium's capture was not read on the wire in this run (no namespace or no tcpdump).\n")
		return
	}
	from := a.MS.Median + a.CaptureLeadMS
	w(" On the wire, Chromium's abs-capture-time puts its capture %.1f ms before its page's recording: (a) from capture is %s ms", a.CaptureLeadMS, f0(from))
	for _, d := range cases {
		if d.Case != "a" {
			w(", and (%s) is %s× that", d.Case, ratio(d.MS.Median, from))
		}
	}
	w(".\n")
}

// soundMarkdown renders the sound section.
func soundMarkdown(w func(string, ...any), s *SoundResults) {
	w("\n## Sound: %.0f s of speech under packet loss (mic processing off on both; target: Parley's STOI ≥ Chromium's at every loss)\n\n", s.SpeechSeconds)
	w("| Loss (each way) | Case | STOI | LSD dB | received | lost | FEC-rebuilt | concealed | STOI minus Chromium's |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range s.Loss {
		diff := "–"
		for _, a := range s.Loss {
			if a.Case == "a" && a.Loss == r.Loss && r.Case != "a" {
				diff = fmt.Sprintf("%+.3f", r.STOI-a.STOI)
			}
		}
		rec := "–"
		if r.Recovered >= 0 {
			rec = strconv.FormatInt(r.Recovered, 10)
		}
		w("| %s | (%s) | %.3f | %.2f | %d | %d | %s | %d | %s |\n", r.Loss, r.Case, r.STOI, r.LSD, r.Received, r.Lost, rec, r.Concealed, diff)
	}
	w("\nChromium counts concealment events, Parley concealed packets. Cases: (a) Chromium→Chromium, (b) Parley headless→Chromium, (c) Parley headless→Parley headless.\n")
	w("\n### Mouth to ear (ms, a click from the sender's microphone to the receiver's speaker; target ≤ Chromium's)\n\n")
	w("| Case | calls × clicks | median | p95 | min | max | ratio to (a), median | each call's median | Chromium's jitter buffer held |\n|---|---|---|---|---|---|---|---|---|\n")
	var base float64
	for _, d := range s.MouthToEar {
		if d.Case == "a" {
			base = d.MS.Median
		}
	}
	for _, d := range s.MouthToEar {
		held := "–"
		if d.JitterBufferMS > 0 {
			held = f0(d.JitterBufferMS)
		}
		calls := make([]string, len(d.CallMedians))
		for i, m := range d.CallMedians {
			calls[i] = f0(m)
		}
		w("| (%s) | %d × %d | %s | %s | %s | %s | %s | %s | %s |\n", d.Case, len(d.CallMedians), d.MS.N/max(len(d.CallMedians), 1),
			f0(d.MS.Median), f0(d.MS.P95), f0(d.MS.Min), f0(d.MS.Max), ratio(d.MS.Median, base), strings.Join(calls, ", "), held)
	}
	captureClockMarkdown(w, s.MouthToEar)
	if len(s.Echo) > 0 {
		echoMarkdown(w, s.Echo)
	}
}
