package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/signaling/protocol"
)

// BenchmarkRelay measures the relay path end to end over real loopback
// WebSockets: pairs of clients send frames to each other through the
// server, which decodes, stamps and forwards each one. It reports relayed
// messages per second and the relay latency (send to receive, from a
// timestamp inside the frame) at p50 and p99; ns/op and allocs/op are per
// relayed frame.
//
// The clients build each frame from a prebuilt template into a reused
// buffer and find the timestamp without decoding, so that what the
// benchmark allocates and spends is mostly the server's (the client
// library's own per-frame work remains).
//
// "candidate" frames are ICE-candidate-sized (about 350 bytes), "offer"
// frames carry an 8 KB SDP like Chrome's. "rate=20000" paces the senders at
// the target load, so its latencies are those of a server that
// keeps up; "unpaced" sends as fast as possible and shows the ceiling (its
// latencies are mostly queueing).
func BenchmarkRelay(b *testing.B) {
	sdp, _ := json.Marshal(strings.Repeat("a=rtcp-fb:96 transport-cc\r\n", 8000/28))
	kinds := []struct {
		name, prefix, suffix string
	}{
		{"candidate", `{"type":"new-ice-candidate","target":%q,"sent":`, `,"candidate":{"candidate":"candidate:842163049 1 udp 1677729535 203.0.113.7 52341 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag Zx9q network-cost 999","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"Zx9q"}}`},
		{"offer", `{"type":"video-offer","target":%q,"sent":`, `,"sdp":{"type":"offer","sdp":` + string(sdp) + `}}`},
	}
	for _, k := range kinds {
		b.Run(k.name+"/rate=20000", func(b *testing.B) { benchmarkRelay(b, 20000, k.prefix, k.suffix) })
		b.Run(k.name+"/unpaced", func(b *testing.B) { benchmarkRelay(b, 0, k.prefix, k.suffix) })
	}
}

func benchmarkRelay(b *testing.B, rate float64, prefix, suffix string) {
	const pairs = 8
	ts := start(b, Config{Rate: 1e9, Burst: 1 << 30, SendQueue: 1 << 16, SendQueueBytes: 1 << 30, CoalesceInterval: time.Millisecond})
	type pair struct{ from, to *websocket.Conn }
	var ps []pair
	for i := range pairs {
		from := benchClient(b, ts.url(), fmt.Sprintf("a%d", i))
		to := benchClient(b, ts.url(), fmt.Sprintf("b%d", i))
		ps = append(ps, pair{from, to})
	}
	// Let the user-list updates of the joins pass before measuring.
	time.Sleep(50 * time.Millisecond)

	var mu sync.Mutex
	var lat []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for i, p := range ps {
		n := b.N / pairs
		if i < b.N%pairs {
			n++
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			head := fmt.Appendf(nil, prefix, fmt.Sprintf("b%d", i))
			frame := make([]byte, 0, len(head)+20+len(suffix))
			start := time.Now()
			for k := range n {
				if rate > 0 {
					due := start.Add(time.Duration(float64(k) * pairs / rate * float64(time.Second)))
					if wait := time.Until(due); wait > 0 {
						time.Sleep(wait)
					}
				}
				frame = append(strconv.AppendInt(append(frame[:0], head...), time.Now().UnixNano(), 10), suffix...)
				if err := p.from.Write(context.Background(), websocket.MessageText, frame); err != nil {
					b.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, n)
			var buf bytes.Buffer
			for len(local) < n {
				_, r, err := p.to.Reader(context.Background())
				if err == nil {
					buf.Reset()
					_, err = buf.ReadFrom(r)
				}
				if err != nil {
					b.Error(err)
					return
				}
				if sent, ok := sentField(buf.Bytes()); ok {
					local = append(local, time.Duration(time.Now().UnixNano()-sent))
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// sentField returns the benchmark's "sent" timestamp from a relayed frame;
// other frames (user-list deltas) have none.
func sentField(frame []byte) (int64, bool) {
	i := bytes.Index(frame, []byte(`"sent":`))
	if i < 0 {
		return 0, false
	}
	rest := frame[i+len(`"sent":`):]
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	v, err := strconv.ParseInt(string(rest[:end]), 10, 64)
	return v, err == nil
}

// benchClient registers name and returns a connection whose reads the
// benchmark does itself; the frames before the first relay are skipped there.
func benchClient(b *testing.B, url, name string) *websocket.Conn {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"json"}})
	if err != nil {
		b.Fatal(err)
	}
	conn.SetReadLimit(1 << 20)
	b.Cleanup(func() { conn.CloseNow() })
	hello := protocol.Encode(&protocol.Message{Type: protocol.TypeHello, Features: []string{protocol.FeatureUserDelta}})
	user := protocol.Encode(&protocol.Message{Type: protocol.TypeUsername, Name: name})
	if conn.Write(ctx, websocket.MessageText, hello) != nil || conn.Write(ctx, websocket.MessageText, user) != nil {
		b.Fatal("registering failed")
	}
	return conn
}
