package server

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/signaling/protocol"
)

// BenchmarkRelay measures the relay path end to end over real loopback
// WebSockets: pairs of clients send ICE-candidate-sized frames to each
// other through the server, which decodes, stamps and forwards each one.
// It reports relayed messages per second and the relay latency (send to
// receive, from a timestamp inside the frame) at p50 and p99.
//
// "rate=20000" paces the senders at the target load, so its
// latencies are those of a server that keeps up; "unpaced" sends as fast as
// possible and shows the ceiling (its latencies are mostly queueing).
func BenchmarkRelay(b *testing.B) {
	b.Run("rate=20000", func(b *testing.B) { benchmarkRelay(b, 20000) })
	b.Run("unpaced", func(b *testing.B) { benchmarkRelay(b, 0) })
}

func benchmarkRelay(b *testing.B, rate float64) {
	const pairs = 8
	ts := start(b, Config{Rate: 1e9, Burst: 1 << 30, SendQueue: 1 << 16, CoalesceInterval: time.Millisecond})
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
			target := fmt.Sprintf("b%d", i)
			start := time.Now()
			for k := range n {
				if rate > 0 {
					due := start.Add(time.Duration(float64(k) * pairs / rate * float64(time.Second)))
					if wait := time.Until(due); wait > 0 {
						time.Sleep(wait)
					}
				}
				frame := fmt.Appendf(nil, `{"type":"new-ice-candidate","target":%q,"sent":%d,"candidate":{"candidate":"candidate:842163049 1 udp 1677729535 203.0.113.7 52341 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag Zx9q network-cost 999","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"Zx9q"}}`, target, time.Now().UnixNano())
				if err := p.from.Write(context.Background(), websocket.MessageText, frame); err != nil {
					b.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, n)
			for len(local) < n {
				_, data, err := p.to.Read(context.Background())
				if err != nil {
					b.Error(err)
					return
				}
				var m struct {
					Type string `json:"type"`
					Sent int64  `json:"sent"`
				}
				if json.Unmarshal(data, &m) == nil && m.Type == protocol.TypeNewICECandidate {
					local = append(local, time.Duration(time.Now().UnixNano()-m.Sent))
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
