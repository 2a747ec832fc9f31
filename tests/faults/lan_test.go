//go:build faults

package faults

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/testnetns"
)

// lan is hosts in namespaces of their own, joined by a bridge in another,
// as desktops on one office network are: 10.201.<n>.<i+1>/24. Multicast
// (mDNS) crosses the bridge; nothing leaves the namespaces.
type lan struct {
	hosts []string
}

func newLAN(t *testing.T, n int) *lan {
	t.Helper()
	sub := 10 + subnet.Add(1)
	tag := fmt.Sprintf("pl%d-%d", os.Getpid()%100000, sub)
	br := tag + "br"
	testnetns.Run(t, "ip", "netns", "add", br)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", br).Run() })
	testnetns.Run(t, "ip", "-n", br, "link", "add", "br0", "type", "bridge")
	testnetns.Run(t, "ip", "-n", br, "link", "set", "br0", "up")
	l := &lan{}
	for i := range n {
		ns := fmt.Sprintf("%sh%d", tag, i)
		testnetns.Run(t, "ip", "netns", "add", ns)
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
		port, nic := fmt.Sprintf("p%d", i), fmt.Sprintf("%sv%d", tag, i)
		if len(nic) > 15 {
			t.Fatalf("interface name %q too long", nic)
		}
		testnetns.Run(t, "ip", "-n", br, "link", "add", port, "type", "veth", "peer", "name", nic)
		testnetns.Run(t, "ip", "-n", br, "link", "set", nic, "netns", ns)
		testnetns.Run(t, "ip", "-n", br, "link", "set", port, "master", "br0", "up")
		testnetns.Run(t, "ip", "-n", ns, "addr", "add", fmt.Sprintf("10.201.%d.%d/24", sub, i+1), "dev", nic)
		testnetns.Run(t, "ip", "-n", ns, "link", "set", nic, "up")
		testnetns.Run(t, "ip", "-n", ns, "link", "set", "lo", "up")
		l.hosts = append(l.hosts, ns)
	}
	return l
}

// desktop is a headless bin/parley run the way the desktop window runs
// with default settings: no --server, so it serves its built-in server
// and, unless told otherwise, meets the LAN's other desktops.
type desktop struct {
	*proc
	name    string
	started time.Time
}

func startDesktop(t *testing.T, ns, name string, extra ...string) *desktop {
	t.Helper()
	args := append([]string{"--headless", "--fake-media", "--name", name, "--width", "320", "--height", "240",
		"--wait", "2m", "--duration", "2m", "--log-level", "info"}, extra...)
	env := []string{"XDG_CONFIG_HOME=" + t.TempDir()}
	return &desktop{proc: startEnv(t, ns, env, "parley", args...), name: name, started: time.Now()}
}

// lines returns the event lines of one kind, in order, as JSON.
func (d *desktop) lines(kind string) []string {
	var out []string
	for _, l := range strings.Split(d.out.String(), "\n") {
		if rest, ok := strings.CutPrefix(l, kind+" {"); ok {
			out = append(out, "{"+rest)
		}
	}
	return out
}

// users is the last user list the desktop reported.
func (d *desktop) users() []string {
	ls := d.lines("users")
	if len(ls) == 0 {
		return nil
	}
	var u struct{ Users []string }
	_ = json.Unmarshal([]byte(ls[len(ls)-1]), &u)
	return u.Users
}

// sees says whether d's last user list holds every one of names.
func (d *desktop) sees(names ...string) bool {
	u := d.users()
	for _, n := range names {
		if !slices.Contains(u, n) {
			return false
		}
	}
	return true
}

// server is the certificate fingerprint of the last meeting place the
// desktop reported: it names a server whatever address reaches it.
func (d *desktop) server() string {
	ls := d.lines("server")
	if len(ls) == 0 {
		return ""
	}
	var p struct{ Fingerprint string }
	_ = json.Unmarshal([]byte(ls[len(ls)-1]), &p)
	return p.Fingerprint
}

func (d *desktop) stop(t *testing.T) {
	t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
}

// Three desktops on one LAN with default settings: they find each other
// and meet on the oldest one's server with nobody typing an address, two
// of them call, and when the host quits the other two regain a server
// within 10 s while their call goes on.
func TestLANDesktopsMeetAndSurviveTheHost(t *testing.T) {
	testnetns.Require(t)
	t.Parallel()
	l := newLAN(t, 3)
	alice := startDesktop(t, l.hosts[0], "alice")
	waitFor(t, "alice's own server", 10*time.Second, func() bool { return alice.server() != "" })
	bob := startDesktop(t, l.hosts[1], "bob", "--auto-answer")
	carol := startDesktop(t, l.hosts[2], "carol", "--call", "bob", "--duration", "25s")

	everyone := []string{"alice", "bob", "carol"}
	waitFor(t, "all three online together", 15*time.Second, func() bool {
		return alice.sees(everyone...) && bob.sees(everyone...) && carol.sees(everyone...)
	})
	met := time.Since(carol.started)
	t.Logf("bob and carol see everyone %v after they started; they meet on %s", met.Round(time.Millisecond), bob.server())
	if met > 5*time.Second {
		t.Errorf("desktops saw each other only after %v, want within 5 s", met)
	}
	if bob.server() != alice.server() || carol.server() != alice.server() {
		t.Errorf("not one meeting place: alice %s, bob %s, carol %s", alice.server(), bob.server(), carol.server())
	}

	waitFor(t, "carol and bob in a call", 30*time.Second, func() bool { return inCall(&peer{proc: carol.proc}) && inCall(&peer{proc: bob.proc}) })
	time.Sleep(2 * time.Second)
	hostPlace := alice.server()
	quit := time.Now()
	alice.stop(t)
	waitForOr(t, "bob and carol on a new server, seeing each other", 20*time.Second, func() {
		t.Logf("bob:\n%s\ncarol:\n%s", tail(bob.out.String()), tail(carol.out.String()))
	}, func() bool {
		return bob.server() != hostPlace && bob.server() == carol.server() && bob.sees("bob", "carol") && carol.sees("bob", "carol") &&
			!bob.sees("alice") && !carol.sees("alice")
	})
	back := time.Since(quit)
	t.Logf("after the host quit, bob and carol meet again on %s after %v", bob.server(), back.Round(time.Millisecond))
	if back > 10*time.Second {
		t.Errorf("a server regained only after %v, want within 10 s", back)
	}
	// The call outlived the move: it ends when carol hangs up, as planned.
	carol.wait(t, 60*time.Second)
	if strings.Count(carol.out.String(), `"state":"ended"`) != 1 || !strings.Contains(carol.out.String(), `"state":"ended","peer":"bob","reason":"local-hang-up"`) {
		t.Errorf("carol's call did not end by her own hang-up:\n%s", tail(carol.out.String()))
	}
}

// The host dies (SIGKILL: no goodbye on the LAN): the others notice by
// their connection dropping, find it gone, and meet on the next server
// within 10 s.
func TestLANHostKilled(t *testing.T) {
	testnetns.Require(t)
	t.Parallel()
	l := newLAN(t, 3)
	alice := startDesktop(t, l.hosts[0], "alice")
	waitFor(t, "alice's own server", 10*time.Second, func() bool { return alice.server() != "" })
	bob := startDesktop(t, l.hosts[1], "bob")
	carol := startDesktop(t, l.hosts[2], "carol")
	waitFor(t, "all three online together", 15*time.Second, func() bool {
		return bob.sees("alice", "bob", "carol") && carol.sees("alice", "bob", "carol")
	})
	hostPlace := alice.server()
	killed := time.Now()
	alice.kill(t)
	waitForOr(t, "bob and carol on a new server", 20*time.Second, func() {
		t.Logf("bob:\n%s\ncarol:\n%s", tail(bob.out.String()), tail(carol.out.String()))
	}, func() bool {
		return bob.server() != hostPlace && bob.server() == carol.server() && bob.sees("bob", "carol") && carol.sees("bob", "carol")
	})
	back := time.Since(killed)
	t.Logf("after the host was killed, bob and carol meet again on %s after %v", bob.server(), back.Round(time.Millisecond))
	if back > 10*time.Second {
		t.Errorf("a server regained only after %v, want within 10 s", back)
	}
}

// Discovery off: two desktops on one LAN each keep to their own server
// and never see each other.
func TestLANDiscoveryOff(t *testing.T) {
	testnetns.Require(t)
	t.Parallel()
	l := newLAN(t, 2)
	a := startDesktop(t, l.hosts[0], "alice", "--no-discovery")
	b := startDesktop(t, l.hosts[1], "bob", "--no-discovery")
	waitFor(t, "both online", 10*time.Second, func() bool { return a.sees("alice") && b.sees("bob") })
	time.Sleep(4 * time.Second) // discovery, when on, meets within about 1 s
	if a.sees("bob") || b.sees("alice") {
		t.Fatalf("with discovery off they met: alice sees %v, bob sees %v", a.users(), b.users())
	}
	if strings.Contains(a.out.String(), "_parley") || !strings.Contains(a.out.String(), "LAN discovery off") {
		t.Errorf("alice's log does not say discovery is off:\n%s", tail(a.out.String()))
	}
}

// waitForOr is waitFor that calls explain before failing.
func waitForOr(t *testing.T, what string, d time.Duration, explain func(), cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			explain()
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(s string) string {
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}

// A real desktop window on the LAN (the Wails app under Xvfb, default
// settings) and a headless desktop on another host: they find each other,
// meet on the window's server (it started first), and the headless one
// calls the window, which answers; media flows both ways and the window
// draws bob's picture.
func TestLANWindowMeetsDesktop(t *testing.T) {
	testnetns.Require(t)
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Skip("needs Xvfb")
	}
	t.Parallel()
	display := startXvfb(t)
	l := newLAN(t, 2)
	env := []string{"DISPLAY=" + display, "XDG_CONFIG_HOME=" + t.TempDir(), "NO_AT_BRIDGE=1",
		// The dev build serves its page inside the namespace; nothing
		// needs it, but it must have somewhere to listen.
		"devserver=127.0.0.1:34115", "assetdir=" + filepath.Join(repoRoot(t), "frontend")}
	win := startEnv(t, l.hosts[0], env, "parley-window", "--fake-media", "--name", "window", "--auto-answer")
	waitFor(t, "the window's built-in server", 60*time.Second, func() bool {
		return strings.Contains(win.out.String(), "invite link: https://10.201.")
	})
	bob := startDesktop(t, l.hosts[1], "bob", "--call", "window", "--duration", "6s")
	bob.wait(t, 90*time.Second)
	if bob.cmd.ProcessState.ExitCode() != 0 {
		t.Fatalf("bob's call to the window did not carry media both ways:\n%s\nwindow:\n%s", tail(bob.out.String()), tail(win.out.String()))
	}
	if !strings.Contains(bob.out.String(), `"host":"window"`) {
		t.Errorf("bob did not meet on the window's server:\n%s", tail(bob.out.String()))
	}
	if !strings.Contains(win.out.String(), `msg="window video started" stream=remote`) {
		t.Errorf("the window never drew bob's picture:\n%s", tail(win.out.String()))
	}
	t.Logf("bob found the window and called it: %s", strings.TrimSpace(lastLine(bob.out.String(), "server ")))
}

// startXvfb runs an X server for the test and returns its display. Clients
// in other network namespaces reach it through its socket file.
func startXvfb(t *testing.T) string {
	t.Helper()
	for n := 200 + os.Getpid()%500; ; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		cmd := exec.Command("Xvfb", fmt.Sprintf(":%d", n), "-screen", "0", "1280x800x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		waitFor(t, "Xvfb", 10*time.Second, func() bool {
			_, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n))
			return err == nil
		})
		return fmt.Sprintf(":%d", n)
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// lastLine is the last line of out that starts with prefix.
func lastLine(out, prefix string) string {
	last := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			last = l
		}
	}
	return last
}
