//go:build faults

package faults

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/media/wav"
	"github.com/parleyhq/parley/internal/syncbuf"
	"github.com/parleyhq/parley/internal/testnetns"
	"github.com/parleyhq/parley/internal/testspeech"
)

// The echo canceller through a real sound server: bob is a headless peer
// on a private PulseAudio whose only speaker is a null sink and whose only
// microphone is that sink's monitor, so everything he plays comes straight
// back into his microphone (a 0 dB echo, through miniaudio and the sound
// server with their real buffers, threads and clocks). alice talks (test
// speech on her test microphone) and records what bob sends back: her own
// voice, as bob's echo. The call runs twice at once, each bob on his own
// sound server: with bob's echo canceller on, and with --no-echo-cancel
// (noise suppression and gain on in both). The ratio of the levels alice
// hears, from 2 s into her speech, is the canceller's echo return loss
// enhancement (ERLE) through the real device path.
//
// A playback underrun in the sound server (miniaudio's thread late to
// refill its ~19 ms buffer on a loaded machine) moves the echo path by its
// length, and the canceller then lets echo through for about 2.5 s while it
// converges again, which can take the figure under the floor. On a loaded
// machine it also converged once 2 s later than usual, with no underrun
// (CI, 9.3 dB; from 4 s on it took 35 dB off). Only in those two cases,
// and once, the pair of calls runs again; a canceller that is broken fails
// both times.
func TestEchoCancelThroughSoundServer(t *testing.T) {
	testnetns.Require(t)
	for _, prog := range []string{"pulseaudio", "pactl"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("needs %s (Debian's pulseaudio, pulseaudio-utils; make deps installs them)", prog)
		}
	}
	t.Parallel()
	l := newLink(t)
	s := startSignal(t, l)
	speech := testspeech.File(t, "en-us", "Hello Bob, this is Alice. I am telling you about the trains and the weather, "+
		"and about the holidays next month, while you listen quietly on your laptop's speakers. "+
		"The quick brown fox jumps over the lazy dog.")
	for attempt := 1; ; attempt++ {
		erle, late, underruns := echoThroughSoundServer(t, l, s, speech, attempt)
		switch {
		case erle >= minERLE:
			return
		case underruns > 0 && attempt == 1:
			t.Logf("ERLE %.1f dB is under the floor after %d playback underruns in the sound server: once more", erle, underruns)
			continue
		case late >= minERLE && attempt == 1:
			t.Logf("ERLE %.1f dB is under the floor, %.1f dB from 4 s on: the canceller converged late; once more", erle, late)
			continue
		}
		t.Errorf("ERLE through the sound server %.1f dB, want at least %.0f dB (%d playback underruns in the run with the canceller on)",
			erle, minERLE, underruns)
		return
	}
}

// echoThroughSoundServer runs the two calls of TestEchoCancelThroughSoundServer
// at once and returns the ERLE from 2 s on and from 4 s on, and how many
// times the sound server found bob's playback stream empty in the call with
// the canceller on.
func echoThroughSoundServer(t *testing.T, l *link, s *signal, speech string, attempt int) (erle, late float64, underruns int) {
	type run struct {
		name      string
		flags     []string // bob's
		pulse     *soundServer
		heardFile string    // alice's speaker file
		heard     []float32 // from alice's first sample of speech on
		bob       *peer
		alice     *peer
	}
	runs := []*run{{name: "on"}, {name: "off", flags: []string{"--no-echo-cancel"}}}
	dir := t.TempDir()
	for _, r := range runs {
		r.pulse = startSoundServer(t, l.B)
		r.heardFile = filepath.Join(dir, "heard-"+r.name+".wav")
		stats := filepath.Join(dir, "bob-"+r.name+".json")
		// No --fake-media: bob's microphone and speaker are the system's
		// defaults, the sink's monitor and the sink; he has no camera.
		args := append([]string{"--headless", "--server", "ws://" + s.addr, "--name", fmt.Sprintf("bob-%s%d", r.name, attempt),
			"--auto-answer", "--duration", "1m", "--wait", "60s", "--speaker", "default", "--stats-json", stats}, r.flags...)
		r.bob = &peer{proc: startEnv(t, l.B, r.pulse.clientEnv(), "parley", args...), stats: stats}
	}
	for _, r := range runs {
		// alice is the clean far end: her own processing would take her
		// echo coming back for double talk and duck her voice.
		r.alice = startPeer(t, l.A, s, fmt.Sprintf("alice-%s%d", r.name, attempt), "--call", fmt.Sprintf("bob-%s%d", r.name, attempt),
			"--duration", "9s", "--mic-file", speech, "--speaker-file", r.heardFile,
			"--no-echo-cancel", "--no-noise-suppression", "--no-auto-gain")
	}

	// From 2 s into alice's speech, the canceller's convergence. Her
	// recording starts as she connects, her speech once bob reports her
	// audio, about a second later.
	const skip = 2 * wav.SampleRate
	for _, r := range runs {
		ra := r.alice.result(t, 60*time.Second)
		rb := r.bob.result(t, 30*time.Second)
		if !ra.Connected || !rb.Connected {
			t.Fatalf("%s: the call did not connect (alice %v, bob %v); bob's output:\n%s\nsound server:\n%s",
				r.name, ra.Connected, rb.Connected, r.bob.out.String(), r.pulse.tail())
		}
		if ra.MicCapturedAtMs == 0 {
			t.Fatalf("%s: alice's speech never started (bob never reported her audio)", r.name)
		}
		r.heard = testspeech.Read(t, r.heardFile)
		lead := int((ra.MicCapturedAtMs - float64(ra.MediaFilesAtMs)) * wav.SampleRate / 1000)
		r.heard = r.heard[min(max(lead, 0), len(r.heard)):]
		if len(r.heard) < skip+3*wav.SampleRate {
			t.Fatalf("%s: alice recorded only %.1f s; bob's output:\n%s", r.name, float64(len(r.heard))/wav.SampleRate, r.bob.out.String())
		}
		t.Logf("%s: what alice heard, dBFS per second: %s; bob's speaker underran %d times, his sound server's playback stream %d times",
			r.name, formatLevels(levels(r.heard, wav.SampleRate)), rb.Last.AudioUnderruns, r.pulse.underruns())
	}
	on, off := runs[0], runs[1]
	// Both from 2 s into the speech to the shorter's end.
	end := min(len(on.heard), len(off.heard))
	onDB, offDB := level(on.heard[skip:end]), level(off.heard[skip:end])
	said := testspeech.Read(t, speech)
	saidDB := level(said[skip:min(end, len(said))])
	t.Logf("from 2 s to %.1f s into her speech: alice said %.1f dBFS; bob sent her echo back at %.1f dBFS with his canceller off, %.1f dBFS with it on",
		float64(end)/wav.SampleRate, saidDB, offDB, onDB)
	// The echo without the canceller must be there to be cancelled: not
	// far below what alice said (bob's gain control alone takes it down
	// about 15 dB; a microphone that heard nothing would be 60 dB down).
	if offDB < saidDB-30 {
		t.Fatalf("with bob's echo canceller off alice heard almost no echo (%.1f dBFS against %.1f said): the sound server's loop is not wired", offDB, saidDB)
	}
	erle = offDB - onDB
	const lateSkip = 4 * wav.SampleRate
	late = level(off.heard[lateSkip:end]) - level(on.heard[lateSkip:end])
	t.Logf("ERLE through PulseAudio: %.1f dB (from 4 s: %.1f dB)", erle, late)
	return erle, late, on.pulse.underruns()
}

// minERLE is the floor for the echo canceller through PulseAudio. Measured
// (2 cores, 2026-12): 17 to 33 dB, 27 typical, with no underrun in the
// call; after one, down to about 7 dB. A canceller without its reference
// measured 0.1 dB, and an echo delayed beyond its 250 ms filter 0.5 dB.
const minERLE = 10.0

// level is x's mean power in dB full scale.
func level(x []float32) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return 10 * math.Log10(e/float64(max(len(x), 1))+1e-12)
}

// levels returns the level of each whole second of x, in dBFS.
func levels(x []float32, rate int) []float64 {
	var out []float64
	for i := 0; i+rate <= len(x); i += rate {
		out = append(out, level(x[i:i+rate]))
	}
	return out
}

func formatLevels(l []float64) string {
	var b strings.Builder
	for i, v := range l {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.0f", v)
	}
	return b.String()
}

// soundServer is a private PulseAudio daemon, started for one test: its
// socket, runtime and home folders are the test's own, so no other
// session is touched. Its one speaker is the null sink "room", and its
// default microphone is that sink's monitor.
type soundServer struct {
	dir  string
	cmd  *exec.Cmd
	log  *syncbuf.Buffer
	done chan struct{}
}

// startSoundServer starts PulseAudio inside namespace ns (it listens on
// nothing but its unix socket, which processes in any namespace reach
// through the file system) and waits until it answers.
func startSoundServer(t *testing.T, ns string) *soundServer {
	t.Helper()
	ps := &soundServer{dir: t.TempDir(), log: &syncbuf.Buffer{}, done: make(chan struct{})}
	for _, d := range []string{ps.runtime(), ps.home()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	script := filepath.Join(ps.dir, "room.pa")
	if err := os.WriteFile(script, []byte(fmt.Sprintf(`load-module module-native-protocol-unix socket=%s auth-anonymous=1
load-module module-null-sink sink_name=room rate=48000 sink_properties=device.description=Room
set-default-sink room
set-default-source room.monitor
`, ps.socket())), 0o600); err != nil {
		t.Fatal(err)
	}
	// Clients must never start a daemon of their own (libpulse's
	// autospawn) if this one is gone.
	if err := os.WriteFile(ps.clientConfig(), []byte("autospawn = no\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A clean environment: none of the caller's session (its runtime
	// folder, D-Bus, X display) reaches the daemon. As root it needs
	// --system=false to run as a per-user daemon, and says so; -n -F
	// loads our script alone, no hardware detection.
	args := append([]string{"netns", "exec", ns, "env", "-i", "PATH=" + os.Getenv("PATH")}, ps.env()...)
	args = append(args, "pulseaudio", "-n", "-F", script, "--daemonize=no", "--system=false",
		"--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=no", "--realtime=no", "--high-priority=no",
		"--log-target=stderr", "--log-level=debug", "--log-time=1")
	ps.cmd = exec.Command("ip", args...)
	ps.cmd.Stdout, ps.cmd.Stderr = ps.log, ps.log
	if err := ps.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = ps.cmd.Wait()
		close(ps.done)
	}()
	t.Cleanup(func() {
		_ = ps.cmd.Process.Kill()
		<-ps.done
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		out, err := ps.pactl("info")
		if err == nil {
			if !strings.Contains(out, "Default Sink: room\n") || !strings.Contains(out, "Default Source: room.monitor\n") {
				t.Fatalf("sound server defaults are not the room: %s", out)
			}
			return ps
		}
		select {
		case <-ps.done:
			t.Fatalf("pulseaudio exited: %v\n%s", ps.cmd.ProcessState, ps.tail())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("pulseaudio did not answer within 15 s: %v: %s\n%s", err, out, ps.tail())
		}
	}
}

func (ps *soundServer) runtime() string      { return filepath.Join(ps.dir, "run") }
func (ps *soundServer) home() string         { return filepath.Join(ps.dir, "home") }
func (ps *soundServer) socket() string       { return filepath.Join(ps.runtime(), "native") }
func (ps *soundServer) clientConfig() string { return filepath.Join(ps.dir, "client.conf") }

// env is the daemon's and its clients' environment: the test's folders.
func (ps *soundServer) env() []string {
	return []string{"HOME=" + ps.home(), "XDG_RUNTIME_DIR=" + ps.runtime(),
		"XDG_CONFIG_HOME=" + filepath.Join(ps.home(), ".config"), "PULSE_CLIENTCONFIG=" + ps.clientConfig()}
}

// clientEnv is what a client adds to its environment to use this server.
func (ps *soundServer) clientEnv() []string {
	return append(ps.env(), "PULSE_SERVER=unix:"+ps.socket())
}

func (ps *soundServer) pactl(args ...string) (string, error) {
	cmd := exec.Command("pactl", args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, ps.clientEnv()...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// underruns counts the times a playback stream ran dry in the server: the
// client (miniaudio's thread) did not refill its buffer in time, the sink
// played silence in its place, and everything played after it reaches the
// microphone later than before: the echo path moved.
func (ps *soundServer) underruns() int { return strings.Count(ps.log.String(), " underrun of '") }

// tail is the end of the daemon's log, for failures.
func (ps *soundServer) tail() string {
	s := ps.log.String()
	return s[max(0, len(s)-4000):]
}
