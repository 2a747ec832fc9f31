package receive

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/app/media/red"
)

// registerVP8Opus makes a peer accept only VP8, with the feedback Chromium
// offers for it, and Opus, plain and as RED: what the browser in this test
// sends.
func registerVP8Opus(m *webrtc.MediaEngine) error {
	fb := []webrtc.RTCPFeedback{{Type: "goog-remb"}, {Type: "ccm", Parameter: "fir"}, {Type: "nack"}, {Type: "nack", Parameter: "pli"}}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: fb},
		PayloadType:        96,
	}, webrtc.RTPCodecTypeVideo); err != nil {
		return err
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"},
		PayloadType:        111,
	}, webrtc.RTPCodecTypeAudio); err != nil {
		return err
	}
	return m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: red.MimeType, ClockRate: 48000, Channels: 2, SDPFmtpLine: "111/111"},
		PayloadType:        63,
	}, webrtc.RTPCodecTypeAudio)
}

// TestChromiumSendsToReceivers has real Chromium send its fake camera and a
// 440 Hz WebAudio oscillator; the receivers started from OnTrack must show
// the pictures and hear the tone. This is the browser interop proof: a
// browser's VP8 packetization, padding and RTCP differ from pion's.
func TestChromiumSendsToReceivers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	nodeModules, _ := filepath.Abs("../../tests/e2e/node_modules")
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	for _, p := range []string{chromium, filepath.Join(nodeModules, "playwright-core")} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s missing (make npm installs playwright-core)", p)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()

	pc := newPeer(t, registerVP8Opus, nil)
	defer pc.Close()
	var log frameLog
	rr := receiveTracks(t, ctx, pc, VideoConfig{Sink: &log, Logger: testLogger(t)}, AudioConfig{Logger: testLogger(t)})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, "testdata/chromium_sender.html")
	})
	mux.HandleFunc("POST /offer", func(w http.ResponseWriter, r *http.Request) {
		var offer webrtc.SessionDescription
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&offer); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		desc, err := answer(pc, offer)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_ = json.NewEncoder(w).Encode(desc)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	cmd := exec.CommandContext(ctx, node, "testdata/chromium_sender.cjs", srv.URL+"/")
	cmd.Env = append(os.Environ(), "NODE_PATH="+nodeModules, "CHROMIUM="+chromium)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	var linesMu sync.Mutex
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			linesMu.Lock()
			lines = append(lines, sc.Text())
			linesMu.Unlock()
		}
	}()
	defer func() {
		stdin.Close() // the script closes the browser and exits
		<-readDone
		if err := cmd.Wait(); err != nil {
			t.Logf("node: %v", err)
		}
		if t.Failed() {
			linesMu.Lock()
			for _, l := range lines {
				t.Log("browser: " + l)
			}
			linesMu.Unlock()
		}
	}()

	// Poll until enough media has been decoded (Chromium's frame rate
	// drops on a busy machine, so wait for counts, not for a time).
	vs, as, ok := rr.waitStats(ctx, func(vs VideoStats, as AudioStats) bool {
		return vs.FramesDecoded >= 30 && as.PacketsDecoded >= 100
	})
	if !ok {
		t.Fatalf("too little media from Chromium: video %+v, audio %+v", vs, as)
	}
	_, audioR := rr.receivers()
	freq := audioR.DominantFrequency()
	rr.mu.Lock()
	codec := rr.audioCodec
	rr.mu.Unlock()
	if !strings.EqualFold(codec, red.MimeType) {
		t.Errorf("Chromium sent its audio as %s, want RED (first in the answer)", codec)
	}
	t.Logf("video %+v", vs)
	t.Logf("audio %+v, tone %.1f Hz", as, freq)
	if vs.DecodeErrors != 0 {
		t.Errorf("video: %d frames decoded, %d errors", vs.FramesDecoded, vs.DecodeErrors)
	}
	if vs.Width != 640 || vs.Height != 480 || log.bad != 0 {
		t.Errorf("video size %dx%d, %d malformed frames", vs.Width, vs.Height, log.bad)
	}
	if as.DecodeErrors != 0 {
		t.Errorf("audio: %d packets decoded, %d errors", as.PacketsDecoded, as.DecodeErrors)
	}
	if math.Abs(freq-440) > 3 {
		t.Errorf("tone at %.1f Hz, want 440", freq)
	}
}

// testLogger sends a receiver's debug log to the test's log, shown when
// the test fails.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
