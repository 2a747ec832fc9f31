// Command parley-sigload measures parley-signal under load: it connects N
// clients (default 10,000), registers them as Parley clients do (hello with
// user-delta, then username; --legacy registers like MDN's client), waits
// until every client knows every other, then has pairs of clients run calls
// (offer, answer, candidates, hang-up) at a fixed rate, and reports:
//
//   - users held, the join time of the Nth user and of all N
//   - bytes received by all clients in total
//   - relayed messages per second and relay latency p50/p99 (each relayed
//     frame carries its send time in an extension field)
//   - server memory per connection
//
// The server is one of: a running one (--url, with --server-pid for its
// memory), a binary started as a child (--spawn bin/parley-signal), or one
// in this process (--inproc). A child or in-process server runs with the
// per-address cap off, since every client comes from 127.0.0.1; against a
// running server with the cap, --spread N binds clients to 127.0.0.2… .
//
// 10,000 connections need 10,000 file descriptors here (and as many in the
// server): the generator raises RLIMIT_NOFILE itself (soft to hard limit,
// and the hard limit too when run as root), and a spawned server inherits it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "parley-sigload:", err)
		os.Exit(1)
	}
}

type options struct {
	url         string
	serverPID   int
	spawn       string
	inproc      bool
	clients     int
	legacy      bool
	concurrency int
	spread      int
	rate        int
	duration    time.Duration
	sdpBytes    int
	jsonOut     bool
	cpuProfile  string
	timeline    bool
	memProfile  string
}

// report is what one run measured; --json prints it as is.
type report struct {
	Server          string           `json:"server"`
	Clients         int              `json:"clients"`
	Legacy          bool             `json:"legacy"`
	UsersHeld       int              `json:"users_held"`
	JoinNthMS       float64          `json:"join_nth_ms"` // the last client's own join time
	JoinP50MS       float64          `json:"join_p50_ms"` // median client join time
	JoinP99MS       float64          `json:"join_p99_ms"`
	JoinMaxMS       float64          `json:"join_max_ms"`
	JoinTotalMS     float64          `json:"join_total_ms"`      // first dial until all N registered
	ConvergedMS     float64          `json:"converged_ms"`       // first dial until every client knew all N
	JoinBytes       int64            `json:"join_bytes"`         // received by all clients until converged
	TotalBytes      int64            `json:"total_bytes"`        // received by all clients in the whole run
	RelayTarget     int              `json:"relay_target_per_s"` // requested relay rate
	RelayPerS       float64          `json:"relay_per_s"`        // relayed frames received per second
	RelaySent       int64            `json:"relay_sent"`
	RelayReceived   int64            `json:"relay_received"`
	RelayP50US      float64          `json:"relay_p50_us"`
	RelayP99US      float64          `json:"relay_p99_us"`
	ServerMemBefore int64            `json:"server_mem_before"`
	ServerMemAfter  int64            `json:"server_mem_after"`
	MemPerConnKB    float64          `json:"mem_per_conn_kb"`
	ServerMemRelay  int64            `json:"server_mem_after_relay"` // after the relay phase: steady state with N users
	ServerCPUJoinS  float64          `json:"server_cpu_join_s"`      // CPU seconds the server used until converged
	ServerCPURelay  float64          `json:"server_cpu_relay"`       // cores the server used during the relay phase
	LoadCPURelay    float64          `json:"load_cpu_relay"`         // cores this generator used during the relay phase (with --inproc: server included)
	ServerUSPerMsg  float64          `json:"server_us_per_msg"`      // server CPU µs per relayed frame
	LoadUSPerMsg    float64          `json:"load_us_per_msg"`        // generator CPU µs per relayed frame (sending and receiving it)
	Timeline        []timelineWindow `json:"timeline,omitempty"`     // per 100 ms of the relay phase, with --timeline
	ErrorFrames     int64            `json:"error_frames"`
	LastError       string           `json:"last_error,omitempty"`
}

func run(args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("parley-sigload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "ws://127.0.0.1:6503/", "WebSocket `URL` of a running server (ignored with --spawn or --inproc)")
	fs.IntVar(&o.serverPID, "server-pid", 0, "`pid` of the running server, to report its memory from /proc")
	fs.StringVar(&o.spawn, "spawn", "", "start this parley-signal `binary` as a child (per-address cap off) and measure its RSS")
	fs.BoolVar(&o.inproc, "inproc", false, "run the server in this process (per-address cap off)")
	fs.IntVar(&o.clients, "clients", 10000, "number of clients")
	fs.BoolVar(&o.legacy, "legacy", false, "register like MDN's client (no hello): full user lists instead of deltas")
	fs.IntVar(&o.concurrency, "concurrency", 128, "WebSocket handshakes in flight at once")
	fs.IntVar(&o.spread, "spread", 0, "bind clients to `N` source addresses 127.0.0.2… (for a server with a per-address cap)")
	fs.IntVar(&o.rate, "rate", 20000, "relayed messages per second to send in the relay phase; 0 skips it")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "length of the relay phase")
	fs.IntVar(&o.sdpBytes, "sdp-bytes", 8000, "size of the SDP in offers (answers carry a quarter)")
	fs.BoolVar(&o.jsonOut, "json", false, "print the report as JSON")
	fs.StringVar(&o.memProfile, "memprofile", "", "write a heap profile to `file` once every user list is complete")
	fs.BoolVar(&o.timeline, "timeline", false, "report the relay phase per 100 ms: frames received, frames over 2 ms, oldest frame's age")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to `file` (with --inproc it covers the server too)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: parley-sigload [flags]\n\nLoad generator for parley-signal: joins, user lists, relay rate and latency, memory.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.clients < 2 {
		return errors.New("--clients must be at least 2")
	}
	fds := o.clients + 256 // one socket per client, plus some spare
	if o.inproc {
		fds += o.clients // the server's end of each connection
	}
	if _, err := raiseFileLimit(uint64(fds)); err != nil {
		return err
	}

	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var tg *target
	var err error
	switch {
	case o.inproc:
		tg, err = inProcess()
	case o.spawn != "":
		tg, err = spawn(o.spawn)
	default:
		tg = external(o.url, o.serverPID)
	}
	if err != nil {
		return err
	}
	defer tg.stop()
	rep, err := load(o, tg, stderr)
	if err != nil {
		return err
	}
	if o.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(stdout, rep)
	return nil
}

func load(o options, tg *target, log io.Writer) (*report, error) {
	st := &stats{}
	wd := &wsDialer{spread: o.spread, bytesIn: &st.bytesIn}
	rep := &report{Server: tg.desc, Clients: o.clients, Legacy: o.legacy, RelayTarget: o.rate}
	rep.ServerMemBefore, _ = tg.memory()
	cpuBefore, cpuOK := tg.cpu()

	// Join phase.
	clients := make([]*loadClient, o.clients)
	sem := make(chan struct{}, o.concurrency)
	var wg sync.WaitGroup
	var dialErr atomic.Value
	start := time.Now()
	for i := range clients {
		sem <- struct{}{}
		if dialErr.Load() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c, err := dial(ctx, wd, tg.url, "u"+strconv.Itoa(i), !o.legacy, st)
			// The slot bounds handshakes, not registrations: users arrive
			// independently, and a newcomer's list may wait for the next
			// coalesced flush.
			<-sem
			if err == nil {
				select {
				case <-c.registered:
				case <-ctx.Done():
					err = fmt.Errorf("client %d not registered: %w", i, ctx.Err())
				}
				clients[i] = c
			}
			if err != nil {
				dialErr.CompareAndSwap(nil, err)
			}
		}()
	}
	wg.Wait()
	defer closeAll(clients)
	if err, _ := dialErr.Load().(error); err != nil {
		return nil, err
	}
	joined := time.Since(start)
	rep.JoinTotalMS = ms(joined)
	joins := make([]time.Duration, len(clients))
	for i, c := range clients {
		joins[i] = c.joinTime
	}
	rep.JoinNthMS = ms(clients[len(clients)-1].joinTime)
	sort.Slice(joins, func(a, b int) bool { return joins[a] < joins[b] })
	rep.JoinP50MS = ms(joins[len(joins)/2])
	rep.JoinP99MS = ms(joins[len(joins)*99/100])
	rep.JoinMaxMS = ms(joins[len(joins)-1])
	fmt.Fprintf(log, "registered %d clients in %v; waiting for every user list to show all of them\n", o.clients, joined.Round(time.Millisecond))

	deadline := time.Now().Add(120 * time.Second)
	for !converged(clients) {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("user lists did not converge on %d users", o.clients)
		}
		time.Sleep(10 * time.Millisecond)
	}
	rep.ConvergedMS = ms(time.Since(start))
	rep.JoinBytes = st.bytesIn.Load()
	rep.UsersHeld = o.clients
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return nil, err
		}
	}
	if mem, ok := tg.memory(); ok {
		rep.ServerMemAfter = mem
		rep.MemPerConnKB = float64(mem-rep.ServerMemBefore) / float64(o.clients) / 1024
	}

	cpuJoined, _ := tg.cpu()
	if cpuOK {
		rep.ServerCPUJoinS = (cpuJoined - cpuBefore).Seconds()
	}

	if o.rate > 0 {
		// Let the join's garbage be collected first, on both sides, so the
		// relay phase measures relaying.
		runtime.GC()
		time.Sleep(time.Second)
		cpuStart, _ := tg.cpu()
		selfStart, wallStart := selfCPU(), time.Now()
		fmt.Fprintf(log, "relaying at %d messages/s for %v\n", o.rate, o.duration)
		relay(o, clients, st, rep)
		// The window includes waiting for the last frames, so CPU per
		// frame is exact and cores are averaged over the whole phase.
		wall := time.Since(wallStart)
		selfUsed := selfCPU() - selfStart
		rep.LoadCPURelay = selfUsed.Seconds() / wall.Seconds()
		if rep.RelayReceived > 0 {
			rep.LoadUSPerMsg = float64(selfUsed.Microseconds()) / float64(rep.RelayReceived)
		}
		if cpuEnd, _ := tg.cpu(); cpuOK {
			used := cpuEnd - cpuStart
			rep.ServerCPURelay = used.Seconds() / wall.Seconds()
			if rep.RelayReceived > 0 {
				rep.ServerUSPerMsg = float64(used.Microseconds()) / float64(rep.RelayReceived)
			}
		}
		rep.ServerMemRelay, _ = tg.memory()
	}
	rep.TotalBytes = st.bytesIn.Load()
	rep.ErrorFrames = st.errors.Load()
	if e, ok := st.lastErr.Load().(string); ok {
		rep.LastError = e
	}
	return rep, nil
}

func converged(clients []*loadClient) bool {
	want := int64(len(clients))
	for _, c := range clients {
		if c.users.Load() != want {
			return false
		}
	}
	return true
}

// relay runs calls between clients 2k and 2k+1 at o.rate frames per second
// for o.duration, spread over a few sender goroutines, then waits briefly for
// frames still in flight.
func relay(o options, clients []*loadClient, st *stats, rep *report) {
	script := newCallScript(o.sdpBytes)
	pairs := len(clients) / 2
	const workers = 4
	var sent atomic.Int64
	if o.timeline {
		// Drain time included: a backlog shows as it empties.
		st.timeline = newTimeline(time.Now(), o.duration+relayDrain)
	}
	st.measured.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), o.duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			perWorker := float64(o.rate) / workers
			// Pairs start at different steps of the call script, as users'
			// calls do. Started in step, every pair would send its 8 KB
			// offer within the same 250 ms (at 20,000/s, 10,000 users) and
			// again every 11 frames per pair, and the server would see
			// bursts of offers, which cost it ten times a candidate, instead
			// of the script's mix.
			step := make([]int, pairs)
			for p := range step {
				step[p] = p % callSteps
			}
			next := w // this worker's pairs: w, w+workers, …
			var done int64
			var fb frameBuf // this worker's frames are built and masked here
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				due := int64(perWorker * time.Since(start).Seconds())
				for ; done < due; done++ {
					p := next
					if next += workers; next >= pairs {
						next = w
					}
					s := step[p]
					step[p] = (s + 1) % callSteps
					from, to := clients[2*p], clients[2*p+1]
					if !callerSends(s) {
						from, to = to, from
					}
					payload := script.appendFrame(fb.payload(), s, to.name, time.Now().UnixNano())
					if from.ws.writeFrame(fb.finish(payload, opText, from.ws.key)) == nil {
						sent.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	want := sent.Load()
	deadline := time.Now().Add(relayDrain)
	for st.relayed.Load() < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	st.measured.Store(false)
	rep.RelaySent = want
	rep.RelayReceived = st.relayed.Load()
	rep.RelayPerS = float64(rep.RelayReceived) / elapsed.Seconds()
	if st.timeline != nil {
		rep.Timeline = st.timeline.report()
	}
	rep.RelayP50US = float64(st.latency.quantile(0.50)) / 1e3
	rep.RelayP99US = float64(st.latency.quantile(0.99)) / 1e3
}

// relayDrain is how long the relay phase waits for frames still in flight
// after the last one is sent.
const relayDrain = 5 * time.Second

func closeAll(clients []*loadClient) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 256)
	for _, c := range clients {
		if c == nil {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			c.close()
			<-sem
		}()
	}
	wg.Wait()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }

func printReport(w io.Writer, r *report) {
	mode := "Parley clients (hello user-delta)"
	if r.Legacy {
		mode = "MDN clients (full user lists)"
	}
	fmt.Fprintf(w, "server:            %s\n", r.Server)
	fmt.Fprintf(w, "clients:           %d %s\n", r.Clients, mode)
	fmt.Fprintf(w, "users held:        %d\n", r.UsersHeld)
	fmt.Fprintf(w, "join, Nth user:    %.1f ms (all users: median %.1f ms, p99 %.1f ms, max %.1f ms)\n", r.JoinNthMS, r.JoinP50MS, r.JoinP99MS, r.JoinMaxMS)
	fmt.Fprintf(w, "join, all N:       %.0f ms (every list complete at %.0f ms)\n", r.JoinTotalMS, r.ConvergedMS)
	fmt.Fprintf(w, "bytes received:    %.1f MB joining, %.1f MB in total\n", float64(r.JoinBytes)/1e6, float64(r.TotalBytes)/1e6)
	if r.RelayTarget > 0 {
		fmt.Fprintf(w, "relay:             %.0f msg/s received (target %d; %d sent, %d received)\n", r.RelayPerS, r.RelayTarget, r.RelaySent, r.RelayReceived)
		fmt.Fprintf(w, "relay latency:     p50 %.0f µs, p99 %.0f µs\n", r.RelayP50US, r.RelayP99US)
	}
	if r.ServerMemAfter > 0 {
		fmt.Fprintf(w, "server memory:     %.1f MB before, %.1f MB with %d users: %.1f KB per connection\n",
			float64(r.ServerMemBefore)/1e6, float64(r.ServerMemAfter)/1e6, r.UsersHeld, r.MemPerConnKB)
		if r.ServerMemRelay > 0 {
			fmt.Fprintf(w, "                   %.1f MB after the relay phase\n", float64(r.ServerMemRelay)/1e6)
		}
	}
	if r.ServerCPUJoinS > 0 || r.ServerCPURelay > 0 {
		fmt.Fprintf(w, "server CPU:        %.2f s until every list was complete; %.2f cores while relaying (%.1f µs per relayed frame)\n", r.ServerCPUJoinS, r.ServerCPURelay, r.ServerUSPerMsg)
	}
	if r.LoadCPURelay > 0 {
		fmt.Fprintf(w, "generator CPU:     %.2f cores while relaying (%.1f µs per relayed frame)\n", r.LoadCPURelay, r.LoadUSPerMsg)
	}
	if len(r.Timeline) > 0 {
		fmt.Fprintf(w, "relay timeline:    window   frames  over 2 ms  oldest\n")
		for _, t := range r.Timeline {
			fmt.Fprintf(w, "                   %5.1f s  %6d  %9d  %6.1f ms\n", float64(t.AtMS)/1e3, t.Frames, t.Over2ms, float64(t.MaxAgeUS)/1e3)
		}
	}
	fmt.Fprintf(w, "error frames:      %d %s\n", r.ErrorFrames, r.LastError)
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	return pprof.WriteHeapProfile(f)
}
