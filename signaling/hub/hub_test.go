package hub

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/protocol"
)

// fakePeer records what the hub sends it.
type fakePeer struct {
	id int64

	mu     sync.Mutex
	frames [][]byte
	full   bool      // Send refuses, as a session with a full queue does
	hold   bool      // SendOwned keeps the frames in held instead of releasing them at once
	held   []*Buffer // owned frames not yet released
}

func (p *fakePeer) ID() int64 { return p.id }

func (p *fakePeer) Send(f []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.full {
		return false
	}
	p.frames = append(p.frames, f)
	return true
}

// SendOwned records a copy of the frame and, like a session that has
// written it, releases it; with hold set it keeps it as a queue would.
func (p *fakePeer) SendOwned(f *Buffer) bool {
	ok := p.Send(bytes.Clone(f.Bytes()))
	p.mu.Lock()
	defer p.mu.Unlock()
	if ok && p.hold {
		p.held = append(p.held, f)
	} else {
		f.Release()
	}
	return ok
}

// take returns and forgets the decoded frames received so far.
func (p *fakePeer) take(t *testing.T) []*protocol.Message {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*protocol.Message
	for _, f := range p.frames {
		var m protocol.Message
		if err := json.Unmarshal(f, &m); err != nil {
			t.Fatalf("hub sent invalid JSON %q: %v", f, err)
		}
		out = append(out, &m)
	}
	p.frames = nil
	return out
}

func ofType(ms []*protocol.Message, typ string) []*protocol.Message {
	var out []*protocol.Message
	for _, m := range ms {
		if m.Type == typ {
			out = append(out, m)
		}
	}
	return out
}

// waitFor polls until cond holds, failing after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	testwait.Until(t, what, 10*time.Second, cond)
}

type harness struct {
	t      *testing.T
	h      *Hub
	nextID int64
}

func newHarness(t *testing.T, interval time.Duration) *harness {
	h := New(Config{CoalesceInterval: interval})
	t.Cleanup(h.Close)
	return &harness{t: t, h: h}
}

// join attaches a peer, optionally says hello, registers name and clears
// what it was sent.
func (hs *harness) join(name string, delta bool) (*fakePeer, *Member) {
	hs.t.Helper()
	hs.nextID++
	p := &fakePeer{id: hs.nextID}
	m, err := hs.h.Attach(p)
	if err != nil {
		hs.t.Fatal(err)
	}
	if delta {
		hs.handle(m, &protocol.Message{Type: protocol.TypeHello, Features: []string{protocol.FeatureUserDelta}})
	}
	hs.handle(m, &protocol.Message{Type: protocol.TypeUsername, Name: name})
	return p, m
}

// settle waits until every pending user-list change has been flushed.
func (hs *harness) settle() {
	hs.t.Helper()
	waitFor(hs.t, "the hub to flush", func() bool {
		hs.h.mu.Lock()
		defer hs.h.mu.Unlock()
		return hs.h.lists.timer == nil && hs.h.deltas.timer == nil && len(hs.h.changes) == 0 && len(hs.h.newcomers) == 0
	})
}

func (hs *harness) handle(m *Member, msg *protocol.Message) *protocol.Error {
	hs.t.Helper()
	raw := protocol.Encode(msg)
	dec, err := protocol.Decode(raw)
	if err != nil {
		hs.t.Fatalf("test frame %s does not decode: %v", raw, err)
	}
	return m.Handle(dec, raw)
}

func TestAttachSendsID(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	p := &fakePeer{id: 42}
	if _, err := hs.h.Attach(p); err != nil {
		t.Fatal(err)
	}
	got := p.take(t)
	if len(got) != 1 || got[0].Type != protocol.TypeID || got[0].ID != 42 {
		t.Fatalf("first frames = %+v, want one id 42", got)
	}
}

func TestDuplicateNamesGetNumbers(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	a, _ := hs.join("alice", false)
	if rej := ofType(a.take(t), protocol.TypeRejectUsername); len(rej) != 0 {
		t.Fatalf("first alice was renamed: %+v", rej)
	}
	for _, want := range []string{"alice1", "alice2"} {
		p, m := hs.join("alice", false)
		rej := ofType(p.take(t), protocol.TypeRejectUsername)
		if len(rej) != 1 || rej[0].Name != want || rej[0].ID != p.id {
			t.Fatalf("rejectusername = %+v, want name %q id %d", rej, want, p.id)
		}
		if m.Name() != want {
			t.Fatalf("registered as %q, want %q", m.Name(), want)
		}
	}
	if got := hs.h.Users(); !slices.Equal(got, []string{"alice", "alice1", "alice2"}) {
		t.Fatalf("users = %v", got)
	}
}

func TestUniqueNameStaysWithinLimit(t *testing.T) {
	long := "abcdefghijklmnopqrstuvwxyz012345" // 32 runes
	taken := map[string]bool{long: true}
	got := uniqueName(long, func(n string) bool { return taken[n] })
	if _, err := protocol.ValidateName(got); err != nil || got == long {
		t.Fatalf("uniqueName(%q) = %q (%v)", long, got, err)
	}
	if got != long[:31]+"1" {
		t.Fatalf("uniqueName = %q, want %q", got, long[:31]+"1")
	}
}

func TestNewcomerGetsFullListIncludingItself(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	hs.join("alice", false)
	b, _ := hs.join("bob", true)
	hs.settle()
	lists := ofType(b.take(t), protocol.TypeUserlist)
	if len(lists) != 1 || !slices.Equal(lists[0].Users, []string{"alice", "bob"}) {
		t.Fatalf("newcomer lists = %+v", lists)
	}
}

func TestRenameOnlyRenamesSelf(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	a, am := hs.join("alice", false)
	_, bm := hs.join("bob", false)
	// bob claims alice's id and asks for a new name: only bob changes.
	hs.handle(bm, &protocol.Message{Type: protocol.TypeUsername, Name: "carol", ID: a.id})
	if am.Name() != "alice" || bm.Name() != "carol" {
		t.Fatalf("names after rename: %q, %q", am.Name(), bm.Name())
	}
	// Renaming to a taken name yields a numbered one.
	hs.handle(bm, &protocol.Message{Type: protocol.TypeUsername, Name: "alice"})
	if bm.Name() != "alice1" {
		t.Fatalf("rename to taken name gave %q", bm.Name())
	}
	waitFor(t, "alice sees the renames", func() bool {
		got := hs.h.Users()
		return slices.Equal(got, []string{"alice", "alice1"})
	})
}

func TestRenameSendsLeftThenJoinedDeltas(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	a, _ := hs.join("alice", true)
	_, bm := hs.join("bob", false)
	hs.settle()
	a.take(t)
	hs.handle(bm, &protocol.Message{Type: protocol.TypeUsername, Name: "robert"})
	var got []*protocol.Message
	waitFor(t, "rename deltas", func() bool {
		got = append(got, a.take(t)...)
		return len(got) >= 2
	})
	if got[0].Type != protocol.TypeUserLeft || got[0].Name != "bob" ||
		got[1].Type != protocol.TypeUserJoined || got[1].Name != "robert" {
		t.Fatalf("rename deltas = %+v %+v", got[0], got[1])
	}
}

func TestLegacyClientsGetFullListsDeltaClientsGetDeltas(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	legacy, _ := hs.join("legacy", false)
	delta, _ := hs.join("delta", true)
	hs.settle()
	legacy.take(t)
	delta.take(t)
	_, cm := hs.join("carol", false)
	waitFor(t, "join reaches both", func() bool {
		legacy.mu.Lock()
		delta.mu.Lock()
		defer legacy.mu.Unlock()
		defer delta.mu.Unlock()
		return len(legacy.frames) > 0 && len(delta.frames) > 0
	})
	l := legacy.take(t)
	if len(l) != 1 || l[0].Type != protocol.TypeUserlist || !slices.Equal(l[0].Users, []string{"legacy", "delta", "carol"}) {
		t.Fatalf("legacy got %+v", l)
	}
	d := delta.take(t)
	if len(d) != 1 || d[0].Type != protocol.TypeUserJoined || d[0].Name != "carol" || !slices.Equal(d[0].Users, []string{"carol"}) {
		t.Fatalf("delta got %+v", d)
	}
	hs.settle()
	cm.Detach()
	waitFor(t, "leave reaches the delta client", func() bool {
		d = append(d[:0], delta.take(t)...)
		return len(d) > 0
	})
	if d[0].Type != protocol.TypeUserLeft || d[0].Name != "carol" {
		t.Fatalf("leave delta = %+v", d[0])
	}
}

func TestHelloIsAnsweredWithAcceptedFeatures(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	p := &fakePeer{id: 1}
	m, _ := hs.h.Attach(p)
	hs.handle(m, &protocol.Message{Type: protocol.TypeHello, Features: []string{"telepathy", protocol.FeatureUserDelta}})
	got := ofType(p.take(t), protocol.TypeHello)
	if len(got) != 1 || !slices.Equal(got[0].Features, []string{protocol.FeatureUserDelta}) {
		t.Fatalf("hello answer = %+v", got)
	}
}

// A burst of joins reaches an existing client as at most one frame per
// interval, and the last state is always delivered.
func TestUserListChangesAreCoalesced(t *testing.T) {
	const interval = 500 * time.Millisecond
	hs := newHarness(t, interval)
	legacy, _ := hs.join("legacy", false)
	delta, _ := hs.join("delta", true)
	hs.settle()
	legacy.take(t)
	delta.take(t)

	var names []string
	var newcomers []*fakePeer
	began := time.Now()
	for i := range 50 {
		name := "user" + string(rune('A'+i%26)) + string(rune('a'+i/26))
		names = append(names, name)
		p, _ := hs.join(name, true)
		newcomers = append(newcomers, p)
	}
	joining := time.Since(began)
	want := append([]string{"legacy", "delta"}, names...)
	var lists []*protocol.Message
	waitFor(t, "the final list", func() bool {
		lists = append(lists, legacy.take(t)...)
		return len(lists) > 0 && slices.Equal(lists[len(lists)-1].Users, want)
	})
	// At most one list per interval: normally the joins take far less than
	// an interval, so 50 joins arrive as 1 or 2 lists.
	if limit := 2 + int(joining/interval); len(lists) > limit {
		t.Fatalf("legacy client got %d userlists for 50 joins in %v, want at most %d", len(lists), joining, limit)
	}
	var seen []string
	waitFor(t, "all joins as deltas", func() bool {
		for _, m := range delta.take(t) {
			if m.Type != protocol.TypeUserJoined {
				t.Fatalf("unexpected %+v", m)
			}
			seen = append(seen, m.Users...)
		}
		return len(seen) == len(names)
	})
	if !slices.Equal(seen, names) {
		t.Fatalf("deltas named %v, want %v", seen, names)
	}
	// Each newcomer got one full list, with itself in it, and no deltas for
	// the joins that list already shows.
	hs.settle()
	for i, p := range newcomers {
		got := p.take(t)
		lists := ofType(got, protocol.TypeUserlist)
		if len(lists) != 1 || !slices.Contains(lists[0].Users, names[i]) {
			t.Fatalf("newcomer %s got lists %+v", names[i], lists)
		}
		for _, m := range got {
			if m.Type == protocol.TypeUserJoined && slices.ContainsFunc(m.Users, func(n string) bool { return slices.Contains(lists[0].Users, n) }) {
				t.Fatalf("newcomer %s got a delta for a name its list had: %+v", names[i], m)
			}
		}
	}
}

func TestDeltaFramesCancelOut(t *testing.T) {
	frames := deltaFrames([]change{
		{name: "a", joined: true}, {name: "a"}, // joined and left: nothing
		{name: "b"}, {name: "b", joined: true}, // left and came back: nothing
		{name: "c"}, {name: "d", joined: true},
	})
	if len(frames) != 2 {
		t.Fatalf("got %d frames: %q", len(frames), frames)
	}
	if string(frames[0]) != `{"type":"user-left","name":"c","users":["c"]}` ||
		string(frames[1]) != `{"type":"user-joined","name":"d","users":["d"]}` {
		t.Fatalf("frames = %s %s", frames[0], frames[1])
	}
	if got := deltaFrames([]change{{name: "x", joined: true}, {name: "x"}}); got != nil {
		t.Fatalf("cancelled changes produced %q", got)
	}
}

func TestRelayStampsSenderName(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	_, am := hs.join("alice", false)
	b, _ := hs.join("bob", false)
	b.take(t)
	raw := []byte(`{"type":"video-offer","name":"mallory","target":"bob","sdp":{"type":"offer","sdp":"v=0"},"x-ext":7}`)
	msg, err := protocol.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if e := am.Handle(msg, raw); e != nil {
		t.Fatal(e)
	}
	got := b.take(t)
	if len(got) != 1 {
		t.Fatalf("bob got %d frames", len(got))
	}
	if got[0].Name != "alice" || got[0].SDP == nil || got[0].SDP.SDP != "v=0" {
		t.Fatalf("relayed %+v", got[0])
	}
	var fields map[string]any
	if err := json.Unmarshal(mustFrame(t, am, raw, b), &fields); err != nil || fields["x-ext"] != float64(7) {
		t.Fatalf("unknown field not relayed intact: %v %v", fields, err)
	}
}

// A relayed frame belongs to its target until released: the hub counts it
// out, its bytes are the stamped frame, and releasing brings the count back.
func TestRelayedFramesAreOwnedByTheTarget(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	_, am := hs.join("alice", false)
	b, _ := hs.join("bob", false)
	b.mu.Lock()
	b.hold = true
	b.mu.Unlock()
	var want [][]byte
	for _, size := range []int{0, 400, 8000, 60000} {
		raw := []byte(`{"type":"video-offer","target":"bob","sdp":{"type":"offer","sdp":"v=0` + strings.Repeat("a", size) + `"}}`)
		msg, err := protocol.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		if e := am.Handle(msg, raw); e != nil {
			t.Fatal(e)
		}
		stamped, _ := protocol.Stamp(raw, "alice")
		want = append(want, stamped)
	}
	if n := hs.h.FramesOutstanding(); n != int64(len(want)) {
		t.Fatalf("%d frames outstanding, want %d", n, len(want))
	}
	b.mu.Lock()
	held := b.held
	b.held = nil
	b.mu.Unlock()
	for i, f := range held {
		if !bytes.Equal(f.Bytes(), want[i]) {
			t.Errorf("frame %d is %.80q, want %.80q", i, f.Bytes(), want[i])
		}
		f.Release()
	}
	if n := hs.h.FramesOutstanding(); n != 0 {
		t.Fatalf("%d frames outstanding after releasing them all", n)
	}
}

// Every frame the pool hands out holds the size asked for, whether new or
// recycled, across the size classes and beyond them.
func TestFramePoolSizes(t *testing.T) {
	var p bufferPool
	for _, size := range []int{0, 1, 511, 512, 513, 1024, 1025, 12000, 64<<10 + 300, 128 << 10, 128<<10 + 1, 300 << 10} {
		for range 3 {
			f := p.get(size)
			if cap(f.Bytes()) < size || len(f.Bytes()) != 0 {
				t.Fatalf("get(%d) gave len %d cap %d", size, len(f.Bytes()), cap(f.Bytes()))
			}
			f.buf = append(f.buf, make([]byte, size)...)
			f.Release()
		}
	}
	if n := p.outstanding.Load(); n != 0 {
		t.Fatalf("%d outstanding", n)
	}
}

// mustFrame relays raw again from m and returns the frame p receives.
func mustFrame(t *testing.T, m *Member, raw []byte, p *fakePeer) []byte {
	t.Helper()
	p.mu.Lock()
	p.frames = nil
	p.mu.Unlock()
	msg, _ := protocol.Decode(raw)
	if e := m.Handle(msg, raw); e != nil {
		t.Fatal(e)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.frames) != 1 {
		t.Fatalf("got %d frames", len(p.frames))
	}
	return p.frames[0]
}

func TestRelayGoesToTargetOnly(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	_, am := hs.join("alice", false)
	b, _ := hs.join("bob", false)
	c, _ := hs.join("carol", false)
	hs.settle()
	b.take(t)
	c.take(t)
	hs.handle(am, &protocol.Message{Type: "custom-ping", Target: "bob"})
	if got := b.take(t); len(got) != 1 || got[0].Type != "custom-ping" || got[0].Name != "alice" {
		t.Fatalf("bob got %+v", got)
	}
	if got := c.take(t); len(got) != 0 {
		t.Fatalf("carol got %+v", got)
	}
}

func TestUnknownTargetIsAnError(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	_, am := hs.join("alice", false)
	e := hs.handle(am, &protocol.Message{Type: protocol.TypeHangUp, Target: "ghost"})
	if e == nil || e.Code != protocol.ErrNoSuchUser || e.User != "ghost" || e.About != protocol.TypeHangUp {
		t.Fatalf("error = %+v", e)
	}
}

func TestMessagesBeforeRegistering(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	p := &fakePeer{id: 1}
	m, _ := hs.h.Attach(p)
	e := hs.handle(m, &protocol.Message{Type: protocol.TypeMessage, Text: "hi"})
	if e == nil || e.Code != protocol.ErrNotRegistered {
		t.Fatalf("error = %+v", e)
	}
	if e := hs.handle(m, &protocol.Message{Type: protocol.TypeHello}); e != nil {
		t.Fatalf("hello before username: %v", e)
	}
}

func TestChatIsBroadcastWithServerNameAndDate(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	_, am := hs.join("alice", false)
	b, _ := hs.join("bob", false)
	p := &fakePeer{id: 99}
	hs.h.Attach(p) // not registered: gets no chat
	hs.settle()
	b.take(t)
	p.take(t)
	before := time.Now().UnixMilli()
	hs.handle(am, &protocol.Message{Type: protocol.TypeMessage, Text: "<b>hi</b>", Name: "mallory", Date: 1})
	got := ofType(b.take(t), protocol.TypeMessage)
	if len(got) != 1 || got[0].Name != "alice" || got[0].Text != "<b>hi</b>" || got[0].Date < before {
		t.Fatalf("chat = %+v", got)
	}
	if got := p.take(t); len(got) != 0 {
		t.Fatalf("unregistered peer got %+v", got)
	}
}

func TestDisconnectHangsUpCallPartner(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	a, am := hs.join("alice", false)
	b, bm := hs.join("bob", false)
	c, cm := hs.join("carol", false)
	sdp := &protocol.SessionDescription{Type: "offer", SDP: "v=0"}
	hs.handle(am, &protocol.Message{Type: protocol.TypeVideoOffer, Target: "bob", SDP: sdp})
	hs.handle(bm, &protocol.Message{Type: protocol.TypeVideoAnswer, Target: "alice", SDP: &protocol.SessionDescription{Type: "answer", SDP: "v=0"}})
	// carol offered to alice but was never answered: not a call.
	hs.handle(cm, &protocol.Message{Type: protocol.TypeVideoOffer, Target: "alice", SDP: sdp})
	b.take(t)
	c.take(t)
	a.take(t)
	am.Detach()
	hang := ofType(b.take(t), protocol.TypeHangUp)
	if len(hang) != 1 || hang[0].Name != "alice" || hang[0].Target != "bob" || hang[0].Reason != protocol.ReasonDisconnected {
		t.Fatalf("bob got hang-ups %+v", hang)
	}
	if hang := ofType(c.take(t), protocol.TypeHangUp); len(hang) != 0 {
		t.Fatalf("carol got hang-ups %+v", hang)
	}
}

func TestHangUpClearsCallPair(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	_, am := hs.join("alice", false)
	b, bm := hs.join("bob", false)
	sdp := &protocol.SessionDescription{Type: "offer", SDP: "v=0"}
	hs.handle(am, &protocol.Message{Type: protocol.TypeVideoOffer, Target: "bob", SDP: sdp})
	hs.handle(bm, &protocol.Message{Type: protocol.TypeVideoAnswer, Target: "alice", SDP: sdp})
	hs.handle(bm, &protocol.Message{Type: protocol.TypeHangUp, Target: "alice"})
	b.take(t)
	am.Detach()
	if hang := ofType(b.take(t), protocol.TypeHangUp); len(hang) != 0 {
		t.Fatalf("bob hung up already but got %+v", hang)
	}
}

// A hung-up call leaves its clients' (empty) call maps for the next call,
// and the maps go when the clients do.
func TestCallBookkeepingGoesWithItsClients(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	_, am := hs.join("alice", false)
	_, bm := hs.join("bob", false)
	sdp := &protocol.SessionDescription{Type: "offer", SDP: "v=0"}
	for range 3 {
		hs.handle(am, &protocol.Message{Type: protocol.TypeVideoOffer, Target: "bob", SDP: sdp})
		hs.handle(bm, &protocol.Message{Type: protocol.TypeVideoAnswer, Target: "alice", SDP: sdp})
		hs.handle(am, &protocol.Message{Type: protocol.TypeHangUp, Target: "bob"})
	}
	am.Detach()
	bm.Detach()
	hs.h.mu.Lock()
	defer hs.h.mu.Unlock()
	if len(hs.h.calls.pairs) != 0 || len(hs.h.calls.offers) != 0 {
		t.Fatalf("calls left behind: %v %v", hs.h.calls.pairs, hs.h.calls.offers)
	}
}

func TestRenamedCallPartnerStillHungUp(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	_, am := hs.join("alice", false)
	b, bm := hs.join("bob", false)
	sdp := &protocol.SessionDescription{Type: "offer", SDP: "v=0"}
	hs.handle(am, &protocol.Message{Type: protocol.TypeVideoOffer, Target: "bob", SDP: sdp})
	hs.handle(bm, &protocol.Message{Type: protocol.TypeVideoAnswer, Target: "alice", SDP: sdp})
	hs.handle(bm, &protocol.Message{Type: protocol.TypeUsername, Name: "robert"})
	b.take(t)
	am.Detach()
	hang := ofType(b.take(t), protocol.TypeHangUp)
	if len(hang) != 1 || hang[0].Target != "robert" {
		t.Fatalf("hang-ups %+v", hang)
	}
}

func TestAttachAfterClose(t *testing.T) {
	h := New(Config{})
	h.Close()
	if _, err := h.Attach(&fakePeer{id: 1}); err != ErrClosed {
		t.Fatalf("Attach after Close = %v", err)
	}
}

func TestDetachTwiceIsHarmless(t *testing.T) {
	hs := newHarness(t, time.Millisecond)
	_, am := hs.join("alice", false)
	am.Detach()
	am.Detach()
	if got := hs.h.Users(); len(got) != 0 {
		t.Fatalf("users = %v", got)
	}
}

func TestIntervalGrowsWithUsers(t *testing.T) {
	h := New(Config{CoalesceInterval: 250 * time.Millisecond, CoalescePerUser: time.Millisecond})
	defer h.Close()
	for i := range 400 {
		m, _ := h.Attach(&fakePeer{id: int64(i + 1)})
		m.register("u" + strconv.Itoa(i))
	}
	h.mu.Lock()
	got := h.intervalLocked()
	h.mu.Unlock()
	if got != 400*time.Millisecond {
		t.Fatalf("interval with 400 users = %v, want 400ms", got)
	}
	off := New(Config{CoalesceInterval: 250 * time.Millisecond, CoalescePerUser: -1})
	defer off.Close()
	m, _ := off.Attach(&fakePeer{id: 1})
	m.register("solo")
	off.mu.Lock()
	defer off.mu.Unlock()
	if got := off.intervalLocked(); got != 250*time.Millisecond {
		t.Fatalf("interval without stretching = %v", got)
	}
}

func TestDeltaBatchesOnlyBigChangeSets(t *testing.T) {
	var few, many []change
	for i := range maxSingles {
		few = append(few, change{name: "f" + strconv.Itoa(i), joined: true})
	}
	for i := range maxSingles + 1 {
		many = append(many, change{name: "m" + strconv.Itoa(i), joined: true})
	}
	frames := deltaFrames(few)
	if len(frames) != maxSingles {
		t.Fatalf("%d changes gave %d frames, want one each", maxSingles, len(frames))
	}
	var m protocol.Message
	json.Unmarshal(frames[3], &m)
	if m.Name != "f3" || !slices.Equal(m.Users, []string{"f3"}) {
		t.Fatalf("single frame = %s", frames[3])
	}
	frames = deltaFrames(many)
	if len(frames) != 1 {
		t.Fatalf("%d changes gave %d frames, want one batch", len(many), len(frames))
	}
	var batch protocol.Message
	json.Unmarshal(frames[0], &batch)
	if len(batch.Users) != maxSingles+1 || batch.Name != "" {
		t.Fatalf("batch = %s", frames[0])
	}
}

// A newcomer's list does not wait for the stretched interval of updates to
// everyone else.
func TestNewcomerListIsNotStretched(t *testing.T) {
	h := New(Config{CoalesceInterval: time.Millisecond, CoalescePerUser: 100 * time.Millisecond})
	t.Cleanup(h.Close)
	hs := &harness{t: t, h: h}
	old, _ := hs.join("old", true)
	hs.join("other", true)
	hs.settle()
	old.take(t)
	p, _ := hs.join("new", true) // the update interval is now 300 ms
	lists := ofType(p.take(t), protocol.TypeUserlist)
	if len(lists) != 1 || !slices.Equal(lists[0].Users, []string{"old", "other", "new"}) {
		t.Fatalf("newcomer got %+v", lists)
	}
	h.mu.Lock()
	pending := h.deltas.timer != nil
	h.mu.Unlock()
	if !pending {
		t.Fatal("the update to existing users was not deferred")
	}
	hs.settle()
	if d := ofType(old.take(t), protocol.TypeUserJoined); len(d) != 1 || d[0].Name != "new" {
		t.Fatalf("old member got %+v", d)
	}
	if got := p.take(t); len(got) != 0 {
		t.Fatalf("newcomer got its own join again: %+v", got[0])
	}
}
