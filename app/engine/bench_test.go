package engine_test

import (
	"testing"
	"time"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/engine/probe"
	"github.com/parleyhq/parley/app/media/testmedia"
)

// The benchmarks run two engines through the real signaling server at VGA,
// the size a desktop call starts with.

// BenchmarkCallSetup measures one call from the offer leaving the caller to
// the first picture decoded at each end (ms-to-callee-frame,
// ms-to-caller-frame); hanging up between calls is not timed.
func BenchmarkCallSetup(b *testing.B) {
	url := startServer(b)
	alice := newPeer(b, url, peerOpts{name: "alice", camera: testmedia.CameraA, mic: testmedia.Tone, width: 640, height: 480})
	bob := newPeer(b, url, peerOpts{name: "bob", camera: testmedia.CameraB, mic: "none", autoAnswer: true, width: 640, height: 480})
	eventually(b, "alice sees bob", func() bool { return alice.hasUser("bob") })
	var toCallee, toCaller time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		atBob, atAlice := bob.video.Report().RemoteFrames, alice.video.Report().RemoteFrames
		start := time.Now()
		if err := alice.eng.Call("bob"); err != nil {
			b.Fatal(err)
		}
		var calleeAt, callerAt time.Duration
		eventually(b, "first frames", func() bool {
			if calleeAt == 0 && bob.video.Report().RemoteFrames > atBob {
				calleeAt = time.Since(start)
			}
			if callerAt == 0 && alice.video.Report().RemoteFrames > atAlice {
				callerAt = time.Since(start)
			}
			return calleeAt > 0 && callerAt > 0
		})
		toCallee += calleeAt
		toCaller += callerAt
		b.StopTimer()
		ends := len(bob.states())
		if err := alice.eng.HangUp(); err != nil {
			b.Fatal(err)
		}
		eventually(b, "bob idle", func() bool {
			st := bob.states()
			return len(st) > ends && st[len(st)-1].State == engine.Idle
		})
		b.StartTimer()
	}
	b.ReportMetric(float64(toCallee.Milliseconds())/float64(b.N), "ms-to-callee-frame")
	b.ReportMetric(float64(toCaller.Milliseconds())/float64(b.N), "ms-to-caller-frame")
}

// BenchmarkGlassToGlass measures, per decoded picture, the time from the
// test camera stamping it to the engine at the other end decoding it
// (capture, realtime VP8, RTP over loopback, jitter handling, decode). One
// op is one picture; p50-ms and p95-ms are over all of them.
func BenchmarkGlassToGlass(b *testing.B) {
	url := startServer(b)
	alice := newPeer(b, url, peerOpts{name: "alice", camera: testmedia.CameraA, mic: testmedia.Tone, width: 640, height: 480})
	bob := newPeer(b, url, peerOpts{name: "bob", camera: "none", mic: "none", autoAnswer: true, width: 640, height: 480})
	eventually(b, "alice sees bob", func() bool { return alice.hasUser("bob") })
	if err := alice.eng.Call("bob"); err != nil {
		b.Fatal(err)
	}
	// Let congestion control and the first keyframes settle.
	eventually(b, "pictures at bob", func() bool { return bob.video.Report().RemoteFrames > 30 })
	var measured probe.Video
	unsubscribe := bob.eng.Frames().Subscribe(&measured)
	defer unsubscribe()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		want := uint64(i + 1)
		eventually(b, "next picture", func() bool { return measured.Report().StampedFrames >= want })
	}
	b.StopTimer()
	p50, p95, n := measured.Latency()
	if n == 0 {
		b.Fatal("no stamped pictures")
	}
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
}
