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

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// newBrowserFacingPeer is a PeerConnection that accepts only VP8 and Opus,
// with the default interceptors (NACK, PLI, RTCP reports) as in a call.
func newBrowserFacingPeer(t *testing.T) *webrtc.PeerConnection {
	t.Helper()
	m := &webrtc.MediaEngine{}
	fb := []webrtc.RTCPFeedback{{Type: "goog-remb"}, {Type: "ccm", Parameter: "fir"}, {Type: "nack"}, {Type: "nack", Parameter: "pli"}}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: fb},
		PayloadType:        96,
	}, webrtc.RTPCodecTypeVideo); err != nil {
		t.Fatal(err)
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"},
		PayloadType:        111,
	}, webrtc.RTPCodecTypeAudio); err != nil {
		t.Fatal(err)
	}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		t.Fatal(err)
	}
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	return pc
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

	pc := newBrowserFacingPeer(t)
	defer pc.Close()
	rctx, stopReceivers := context.WithCancel(ctx)
	var (
		mu     sync.Mutex
		video  *VideoReceiver
		audioR *AudioReceiver
		recvWG sync.WaitGroup
		log    frameLog
	)
	defer func() { stopReceivers(); recvWG.Wait() }()
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		var run func(context.Context) error
		switch tr.Kind() {
		case webrtc.RTPCodecTypeVideo:
			ssrc := uint32(tr.SSRC())
			r, err := NewVideoReceiver(tr, VideoConfig{Sink: &log, Logger: testLogger(t), RequestKeyFrame: func() {
				_ = pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}})
			}})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			video = r
			mu.Unlock()
			run = r.Run
		case webrtc.RTPCodecTypeAudio:
			r, err := NewAudioReceiver(tr, AudioConfig{Logger: testLogger(t)})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			audioR = r
			mu.Unlock()
			run = r.Run
		}
		recvWG.Add(1)
		go func() { defer recvWG.Done(); _ = run(rctx) }()
	})

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
		if err := pc.SetRemoteDescription(offer); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		answer, err := pc.CreateAnswer(nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		gathered := webrtc.GatheringCompletePromise(pc)
		if err := pc.SetLocalDescription(answer); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		<-gathered
		_ = json.NewEncoder(w).Encode(pc.LocalDescription())
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
	var vs VideoStats
	var as AudioStats
	var freq float64
	for {
		mu.Lock()
		v, a := video, audioR
		mu.Unlock()
		if v != nil && a != nil {
			vs, as = v.Stats(), a.Stats()
			if vs.FramesDecoded >= 30 && as.PacketsDecoded >= 100 {
				freq = a.DominantFrequency()
				break
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("too little media from Chromium: video %+v, audio %+v", vs, as)
		}
		time.Sleep(50 * time.Millisecond)
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
