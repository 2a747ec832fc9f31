package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// soundNet is where one sound run's processes live: a network namespace
// of their own with only a loopback and a veth pair, so that the packet loss it is
// given touches nothing else on the machine. Without root it is the
// host's loopback and cannot lose packets.
type soundNet struct {
	ns    string // "" on the host
	burst context.CancelFunc
	done  chan struct{}
}

// loss is a packet-loss condition of the sound benchmark: Percent of the
// UDP packets (media; signaling is TCP) dropped each way, at random or
// in bursts.
type loss struct {
	Percent int  `json:"percent"`
	Burst   bool `json:"burst,omitempty"`
}

func (l loss) String() string {
	if l.Burst {
		return fmt.Sprintf("%d%% in bursts", l.Percent)
	}
	return fmt.Sprintf("%d%%", l.Percent)
}

// canNamespace reports why network namespaces cannot be used ("" if they can).
func canNamespace() string {
	if os.Geteuid() != 0 {
		return "needs root (a network namespace to lose packets in)"
	}
	for _, tool := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "needs " + tool
		}
	}
	return ""
}

var nsSeq int

// newSoundNet makes a namespace and applies l in it.
func newSoundNet(ctx context.Context, l loss) (*soundNet, error) {
	nsSeq++
	n := &soundNet{ns: fmt.Sprintf("pbs%d-%d", os.Getpid()%100000, nsSeq)}
	if err := runCmd("ip", "netns", "add", n.ns); err != nil {
		return nil, err
	}
	// Chromium gathers no candidates on a loopback interface: a veth
	// pair's end gives every process an address that the others reach,
	// through the namespace's loopback all the same (the kernel has no
	// dummy interfaces on every machine; veth it has).
	for _, args := range [][]string{
		{"link", "set", "lo", "up"},
		{"link", "add", "pbs0", "type", "veth", "peer", "name", "pbs1"},
		{"addr", "add", "10.199.0.1/24", "dev", "pbs0"},
		{"link", "set", "pbs0", "up"},
		{"link", "set", "pbs1", "up"},
	} {
		if err := n.exec("ip", args...); err != nil {
			n.close()
			return nil, err
		}
	}
	if l.Percent == 0 {
		return n, nil
	}
	for _, args := range [][]string{
		{"add", "table", "inet", "loss"},
		// On input: a packet dropped on output fails the sender's sendmsg
		// (EPERM), and Chromium then sends it again where pion gives it up,
		// so Chromium's audio lost 2-5% of packets under a 20% rule.
		{"add", "chain", "inet", "loss", "in", "{ type filter hook input priority 0; }"},
	} {
		if err := n.exec("nft", args...); err != nil {
			n.close()
			return nil, err
		}
	}
	if !l.Burst {
		err := n.exec("nft", "add", "rule", "inet", "loss", "in", "meta", "l4proto", "udp", "numgen", "random", "mod", "100", "<", strconv.Itoa(l.Percent), "counter", "drop")
		if err != nil {
			n.close()
		}
		return n, err
	}
	bctx, cancel := context.WithCancel(ctx)
	n.burst, n.done = cancel, make(chan struct{})
	go n.bursts(bctx, l.Percent)
	return n, nil
}

// bursts drops every UDP packet for 60–140 ms at a time, with gaps that
// make the long-run share percent: the losses a congested Wi-Fi link or a
// handover gives, which FEC (one packet back) cannot repair and
// concealment must cover.
func (n *soundNet) bursts(ctx context.Context, percent int) {
	defer close(n.done)
	for {
		on := time.Duration(60+rand.IntN(81)) * time.Millisecond
		off := on * time.Duration(100-percent) / time.Duration(percent)
		off = off/2 + time.Duration(rand.Int64N(int64(off))) // same mean, not periodic
		select {
		case <-ctx.Done():
			return
		case <-time.After(off):
		}
		if n.exec("nft", "add", "rule", "inet", "loss", "in", "meta", "l4proto", "udp", "counter", "drop") != nil {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(on):
		}
		if n.exec("nft", "flush", "chain", "inet", "loss", "in") != nil || ctx.Err() != nil {
			return
		}
	}
}

// dropped is what the loss rules dropped so far (random loss only; the
// burst rule is replaced each time).
func (n *soundNet) dropped() int {
	out, err := exec.Command("ip", "netns", "exec", n.ns, "nft", "list", "chain", "inet", "loss", "in").Output()
	if err != nil {
		return -1
	}
	m := nftPackets.FindSubmatch(out)
	if m == nil {
		return 0
	}
	v, _ := strconv.Atoi(string(m[1]))
	return v
}

var nftPackets = regexp.MustCompile(`counter packets (\d+)`)

// command returns a command that runs in the namespace.
func (n *soundNet) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	if n.ns == "" {
		return exec.CommandContext(ctx, name, args...)
	}
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.ns, name}, args...)...)
}

func (n *soundNet) exec(name string, args ...string) error {
	return runCmd("ip", append([]string{"netns", "exec", n.ns, name}, args...)...)
}

// waitListening waits until something accepts TCP on 127.0.0.1:port
// inside the namespace.
func (n *soundNet) waitListening(ctx context.Context, port int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		probe := n.command(ctx, "bash", "-c", fmt.Sprintf("exec 3<>/dev/tcp/127.0.0.1/%d", port))
		if probe.Run() == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("nothing listened on port %d within %s", port, limit)
}

// close stops the bursts and deletes the namespace (processes still in
// it must be gone first).
func (n *soundNet) close() {
	if n.burst != nil {
		n.burst()
		<-n.done
	}
	if n.ns != "" {
		_ = runCmd("ip", "netns", "del", n.ns)
	}
}

func runCmd(name string, args ...string) error {
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}
