package headless

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleyhq/parley/app/audio"
	"github.com/parleyhq/parley/app/builtin"
	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/engine/probe"
	"github.com/parleyhq/parley/app/media"
	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/media/voice"
	"github.com/parleyhq/parley/app/media/wav"
	"github.com/parleyhq/parley/signaling/client"
	"github.com/parleyhq/parley/signaling/protocol"
)

// Run connects, takes part in one call and returns what it measured. The
// Result is returned (and written to StatsJSON) even when the call failed;
// the error says why there was no result at all (no server, bad name).
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := testmedia.RegisterFor(o.FakeMedia, o.FakeWebcam); err != nil {
		return nil, err
	}
	if o.MicFile != "" {
		if !o.FakeMedia {
			return nil, errors.New("--mic-file needs --fake-media: it plays through the test microphone")
		}
		if err := testmedia.SetMicFile(o.MicFile); err != nil {
			return nil, fmt.Errorf("--mic-file: %w", err)
		}
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Wait <= 0 {
		o.Wait = 2 * time.Minute
	}
	sessCtx, endSession := context.WithCancel(ctx)
	defer endSession()
	var (
		local *builtin.Local
		live  atomic.Pointer[client.Link]
	)
	if o.Server == "" {
		var err error
		if local, err = startLocal(ctx, o, &live); err != nil {
			return nil, err
		}
		defer local.Close()
	}
	c, err := connect(sessCtx, endSession, o, local)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	live.Store(c)

	proc, err := voice.New(o.Voice)
	if err != nil {
		return nil, err
	}
	defer proc.Close()   // after the engine, which the deferred stop below ends first
	var out audio.Output // nil: decode only
	var speaker *audio.Virtual
	if o.SpeakerFile != "" || o.RoomEcho != nil {
		fars := []audio.Far{proc}
		if o.RoomEcho == nil {
			speaker = audio.NewVirtual(fars...)
		} else {
			if !o.FakeMedia {
				return nil, errors.New("--room-echo needs --fake-media: it is the test microphone that hears the room")
			}
			// The speaker plays on the microphone's clock, as a duplex
			// sound card does, so the echo's delay is exact under load.
			r := testmedia.NewRoom(o.RoomEcho.Delay, o.RoomEcho.GainDB)
			if o.RoomEcho.Response != nil {
				if err := r.SetImpulseResponse(o.RoomEcho.Response); err != nil {
					return nil, err
				}
			}
			speaker = audio.NewClockedVirtual(append(fars, r)...)
			r.SetSpeaker(speaker.Play)
			testmedia.SetRoom(r)
			defer testmedia.SetRoom(nil)
		}
		defer speaker.Close()
		out = speaker
	}
	if o.Speaker != "" {
		if out != nil {
			return nil, errors.New("--speaker cannot go with --speaker-file or --room-echo")
		}
		name := o.Speaker
		if name == "default" {
			name = ""
		}
		s, err := audio.Open(name)
		if err != nil {
			return nil, fmt.Errorf("--speaker: %w", err)
		}
		s.SetFar(proc) // the echo canceller's reference, as in the window
		defer s.Close()
		out = s
	}
	devices := engine.NewMediaDevices(media.VideoRequest{Width: o.Width, Height: o.Height}, media.CodecConfig{})
	devices.SetVoice(proc)
	eng, err := engine.New(engine.Config{
		Name:       c.Name(),
		ICEServers: o.ICEServers,
		Devices:    devices,
		Audio:      out,
		Camera:     o.Camera,
		Microphone: o.Microphone,
		AutoAnswer: o.AutoAnswer,
		// A killed peer is noticed by its media stopping; the fault tests
		// shorten this to see how fast the engine reacts.
		ICEDisconnected: o.ICEDisconnected,
		ICERestartAfter: o.ICERestartAfter,
		Logger:          o.Logger,
	})
	if err != nil {
		return nil, err
	}
	var video probe.Video
	eng.Frames().Subscribe(&video)
	events := make(chan engine.Event, 1024)
	eng.Subscribe(func(ev engine.Event) {
		printEvent(o.Out, ev)
		select {
		case events <- ev:
		default: // the loop below only needs states; stats may be dropped
		}
	})

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- eng.Run(runCtx, c) }()

	res := &Result{Name: c.Name()}
	if o.Call != "" {
		if err := placeCall(ctx, eng, c, o); err != nil {
			fmt.Fprintf(o.Out, "error %s\n", jsonLine(map[string]string{"text": err.Error()}))
			res.EndReason = "call-failed"
		}
	}
	if res.EndReason == "" {
		// The recording starts when this end connects; the microphone's
		// file when the peer's receiver reports first acknowledge our
		// audio. Under loss the two ends finish DTLS seconds apart (the
		// client waits for a retransmitted flight), and speech sent before
		// the peer could decrypt it would be lost to it: no user talks
		// into a call the other side has not joined yet.
		media := mediaStarts{
			connected: func() {
				if speaker != nil {
					speaker.Record()
					res.MediaFilesAtMs = time.Now().UnixMilli()
				}
			},
		}
		if o.MicFile != "" {
			media.heard = testmedia.StartMicFile
		}
		res.EndReason = follow(ctx, eng, events, done, &video, res, o, media)
	}
	stop()
	<-done

	res.EndedAtMs = time.Now().UnixMilli()
	if at := testmedia.MicFileCaptured(); o.MicFile != "" && !at.IsZero() {
		res.MicCapturedAtMs = float64(at.UnixMicro()) / 1000
	}
	res.fillVideo(&video)
	res.FramesReceived = res.Last.FramesReceived
	res.fillAudio()
	res.PeerReceivesVideo = res.Last.PeerReceivesVideo
	res.PeerReceivesAudio = res.Last.PeerReceivesAudio
	if o.SpeakerFile != "" {
		if err := writeSpeakerFile(o.SpeakerFile, speaker.Recording()); err != nil {
			return res, err
		}
	}
	if o.StatsJSON != "" {
		if err := res.write(o.StatsJSON); err != nil {
			return res, err
		}
	}
	return res, nil
}

// connect registers o.Name through a reconnecting signaling link, the
// same one the desktop app uses: after an outage or a network change it
// comes back with the server's resume token, so it keeps its name even
// while the server still holds the dead connection (which would otherwise
// make it bob1, out of reach of its partner's ICE restart), and a call in
// progress outlives a server restart. Only the first connection's failure
// ends the run, at once (by cancel, which ends ctx): there is no call to
// keep yet, and a wrong address should not look like a wait.
func connect(ctx context.Context, cancel context.CancelFunc, o Options, local *builtin.Local) (*client.Link, error) {
	var (
		mu       sync.Mutex
		online   bool
		firstErr error
	)
	cfg := client.LinkConfig{
		Config: client.Config{URL: o.Server, Name: o.Name, TLS: o.TLS},
		OnStatus: func(st protocol.LinkStatus, err error) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case st == protocol.LinkOnline:
				online = true
			case st == protocol.LinkConnecting && err != nil && !online && firstErr == nil:
				firstErr = err
				cancel()
			}
		},
	}
	if local != nil {
		select { // the Meeting listens to the LAN before its first choice
		case <-local.Ready():
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		local.Follow(&cfg)
	}
	sig, err := client.ConnectOnline(ctx, cfg)
	if err != nil {
		mu.Lock()
		defer mu.Unlock()
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, err
	}
	return sig, nil
}

// placeCall waits until the callee is online, then calls.
func placeCall(ctx context.Context, eng *engine.Engine, c engine.Signaling, o Options) error {
	deadline := time.Now().Add(o.Wait)
	for !slices.Contains(c.Users(), o.Call) {
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not come online within %s", o.Call, o.Wait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return eng.Call(o.Call)
}

// follow watches the call until it ends and returns the reason: it hangs
// up Duration after connecting, and gives up when nothing connects within
// Wait.
func follow(ctx context.Context, eng *engine.Engine, events <-chan engine.Event, done <-chan error,
	video *probe.Video, res *Result, o Options, media mediaStarts) string {
	var hangUp, switchCamera <-chan time.Time
	giveUp := time.After(o.Wait)
	var localAtConnect uint64
	for {
		select {
		case <-ctx.Done():
			return "interrupted"
		case <-done:
			return engine.ReasonSignaling
		case <-giveUp:
			if !res.Connected {
				return "no-call"
			}
		case <-switchCamera:
			switchCamera = nil
			if err := eng.SwitchCamera(o.SwitchCamera); err != nil {
				fmt.Fprintf(o.Out, "error %s\n", jsonLine(map[string]string{"text": err.Error()}))
			} else {
				fmt.Fprintf(o.Out, "camera %s\n", jsonLine(map[string]string{"name": o.SwitchCamera}))
			}
		case <-hangUp:
			if st, ok := eng.Stats(); ok {
				res.Last = st
			}
			res.FramesSent = video.Report().LocalFrames - localAtConnect
			_ = eng.HangUp()
			hangUp = nil
		case ev := <-events:
			switch ev := ev.(type) {
			case engine.StatsUpdated:
				res.Last = ev.Stats
				if ev.Stats.PeerReceivesAudio && media.heard != nil {
					media.heard()
					media.heard = nil
				}
			case engine.SignalingChanged:
				res.Signaling = append(res.Signaling, StatusAt{AtMs: time.Now().UnixMilli(), Status: string(ev.Status)})
			case engine.StateChanged:
				switch ev.State {
				case engine.InCall:
					if !res.Connected {
						media.connected()
					}
					res.Connected, res.Peer = true, ev.Peer
					res.ConnectedAtMs = time.Now().UnixMilli()
					localAtConnect = video.Report().LocalFrames
					hangUp = time.After(o.Duration)
					if o.SwitchCamera != "" {
						switchCamera = time.After(o.Duration / 2)
					}
				case engine.Ended:
					res.EndedAtMs = time.Now().UnixMilli()
					if res.FramesSent == 0 && res.Connected {
						res.FramesSent = video.Report().LocalFrames - localAtConnect
					}
					return ev.Reason
				}
			}
		}
	}
}

// mediaStarts starts the test media's timelines: connected on the first
// connection, heard once the peer reports receiving our audio (nil: done,
// or nothing to start).
type mediaStarts struct {
	connected, heard func()
}

// printEvent writes one line: the event's kind, then its JSON.
// An error's cause is left out of its JSON (the UI shows only the
// sentence); the headless line adds it, since the line is a log.
func printEvent(w io.Writer, ev engine.Event) {
	if e, ok := ev.(*engine.Error); ok && e.Err != nil {
		fmt.Fprintf(w, "%s %s\n", ev.Kind(), jsonLine(struct {
			*engine.Error
			Cause string `json:"cause"`
		}{e, e.Err.Error()}))
		return
	}
	fmt.Fprintf(w, "%s %s\n", ev.Kind(), jsonLine(ev))
}

func jsonLine(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

// writeSpeakerFile writes what the virtual speaker played as WAV.
func writeSpeakerFile(path string, played []float32) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--speaker-file: %w", err)
	}
	if err := wav.Write(f, played); err != nil {
		f.Close()
		return fmt.Errorf("--speaker-file: %w", err)
	}
	return f.Close()
}
