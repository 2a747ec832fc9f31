package hub

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/signaling/protocol"
)

// FuzzHub drives three connections with arbitrary frames (one per line; the
// first byte picks the connection, '!' as the second byte disconnects and
// reattaches it) and checks the hub's invariants after each step: no panic,
// unique names, the roster, the router and the members agree, every
// relayed frame is back in the pool, and every frame sent to a peer is
// valid JSON with a type.
func FuzzHub(f *testing.F) {
	f.Add([]byte("0{\"type\":\"username\",\"name\":\"alice\"}\n1{\"type\":\"username\",\"name\":\"alice\"}\n" +
		"0{\"type\":\"video-offer\",\"target\":\"alice1\",\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}\n" +
		"1{\"type\":\"video-answer\",\"target\":\"alice\",\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0\"}}\n0!"))
	f.Add([]byte("2{\"type\":\"hello\",\"features\":[\"user-delta\"]}\n2{\"type\":\"username\",\"name\":\"bob\"}\n2{\"type\":\"username\",\"name\":\"carol\"}\n1{\"type\":\"message\",\"text\":\"hi\"}"))
	f.Fuzz(func(t *testing.T, script []byte) {
		h := New(Config{CoalesceInterval: time.Nanosecond})
		defer h.Close()
		peers := make([]*fakePeer, 3)
		members := make([]*Member, 3)
		nextID := int64(0)
		attach := func(i int) {
			nextID++
			peers[i] = &fakePeer{id: nextID}
			members[i], _ = h.Attach(peers[i])
		}
		for i := range peers {
			attach(i)
		}
		for line := range bytes.SplitSeq(script, []byte("\n")) {
			if len(line) < 2 {
				continue
			}
			i := int(line[0]) % len(peers)
			if line[1] == '!' {
				members[i].Detach()
				attach(i)
				continue
			}
			msg, err := protocol.Decode(line[1:])
			if err != nil {
				continue
			}
			members[i].Handle(msg, line[1:])
			checkInvariants(t, h, peers)
		}
	})
}

func checkInvariants(t *testing.T, h *Hub, peers []*fakePeer) {
	if n := h.FramesOutstanding(); n != 0 {
		t.Fatalf("%d relayed frames not released", n) // the fake peers release each at once
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	names := slices.Clone(h.roster.names)
	slices.Sort(names)
	if len(slices.Compact(names)) != len(h.roster.names) {
		t.Fatalf("duplicate names in %v", h.roster.names)
	}
	registered := 0
	for _, m := range h.members {
		if m.name == "" {
			continue
		}
		registered++
		if !h.roster.has(m.name) {
			t.Fatalf("member %q missing from the roster", m.name)
		}
		if p, ok := h.router.Lookup(m.name); !ok || p != m.peer {
			t.Fatalf("router does not route %q to its member", m.name)
		}
	}
	if registered != h.roster.len() {
		t.Fatalf("%d registered members, roster has %d", registered, h.roster.len())
	}
	for _, p := range peers {
		p.mu.Lock()
		for _, f := range p.frames {
			var m struct {
				Type string `json:"type"`
			}
			if json.Unmarshal(f, &m) != nil || m.Type == "" {
				p.mu.Unlock()
				t.Fatalf("peer got frame %q", f)
			}
		}
		p.frames = nil
		p.mu.Unlock()
	}
}
