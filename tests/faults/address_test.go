//go:build faults

package faults

import (
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/engine/headless"
	"github.com/parleyhq/parley/signaling/protocol"

	"github.com/parleyhq/parley/internal/testnetns"
)

// B's address changes mid-call (a new lease, another access point): its
// server connection and its ICE candidates die silently with the old
// address. Without anyone's help the call comes back: bob notices the
// address went away, reconnects to the server and takes his name back with
// his resume token while the server still holds the dead connection (no
// bob1), ICE restarts over signaling, and pictures flow again both ways.
func TestAddressChange(t *testing.T) {
	testnetns.Require(t)
	t.Parallel()
	l := newLink(t)
	// At debug the server logs each relay (type, sender, target: never
	// SDP), which shows the restart's offer reaching bob.
	s, alice, bob := call(t, l, 40*time.Second, nil, "--log-level", "debug")
	time.Sleep(3 * time.Second)

	before := len(s.out.String())
	changed := time.Now()
	next := l.renumberB(t)
	// The last pictures may land while the address changes: a freeze that
	// starts before this and ends after changed spans the change.
	renumbered := time.Now()
	waitFor(t, "bob back on the server as bob", 30*time.Second, func() bool {
		return strings.Contains(s.out.String()[before:], "msg=resume name=bob")
	})
	resumed := time.Now()

	ra := alice.result(t, 90*time.Second)
	rb := bob.result(t, 30*time.Second)
	log := s.out.String()[before:]
	t.Logf("bob moved to %s; back on the server under his name %v later", next, resumed.Sub(changed).Round(time.Millisecond))
	if strings.Contains(log, "name=bob1") || strings.Contains(bob.out.String(), "bob1") {
		t.Errorf("bob lost his name:\n%s", log)
	}
	if !strings.Contains(log, "msg=relay type=video-offer from=alice to=bob") {
		t.Errorf("no ICE restart offer reached bob after the change; server log since:\n%s", log)
	}
	for _, r := range []*headless.Result{ra, rb} {
		// bob sees his old address gone within a second and reconnects to
		// the server; ICE counts 2 s of silence as disconnected and restarts
		// 3 s later. Should the address watch miss, the engine refreshes the
		// server connection after a failed restart (about 9 s): still
		// within the 10 s that recovered allows.
		if !recovered(t, r, changed, renumbered, "address change") {
			continue
		}
		if r.Freezes.LastFrameMs < changed.Add(25*time.Second).UnixMilli() {
			t.Errorf("%s: pictures did not keep flowing after the recovery", r.Name)
		}
	}
	if ra.EndReason != engine.ReasonLocalHangUp || rb.EndReason != protocol.ReasonHangUp {
		t.Errorf("alice's hang-up should end the call on both sides (through the server, to bob's new connection), got %q / %q",
			ra.EndReason, rb.EndReason)
	}
	if t.Failed() {
		t.Logf("alice:\n%s\nbob:\n%s\nserver since the change:\n%s", alice.out.String(), bob.out.String(), log)
	}
}
