package hub

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/parleyhq/parley/signaling/protocol"
)

// DefaultCoalesceInterval is how often, at most, a client is sent user-list
// changes. A burst of joins then costs each client one frame per interval
// instead of one per join.
const DefaultCoalesceInterval = 250 * time.Millisecond

// DefaultCoalescePerUser stretches the interval on big servers: every flush
// sends a frame to every user, so with N users the interval is at least
// N × this (1 s at 10,000 users), which keeps user-list fan-out to a few
// percent of a core however long a join storm lasts. Newcomers' lists do
// not wait for it: they follow CoalesceInterval alone.
const DefaultCoalescePerUser = 100 * time.Microsecond

// ErrClosed is returned by Attach after Close.
var ErrClosed = errors.New("hub: closed")

// Config configures a Hub. The zero value is usable.
type Config struct {
	// Router delivers frames by name; nil means a new LocalRouter.
	Router Router
	// CoalesceInterval bounds how often a client gets user-list updates; 0
	// means DefaultCoalesceInterval. The first change after a quiet interval
	// is sent at once; later ones wait for the interval to pass.
	CoalesceInterval time.Duration
	// CoalescePerUser lengthens the interval of updates to existing users
	// (not newcomers' lists) to users × CoalescePerUser when that is
	// longer; 0 means DefaultCoalescePerUser, negative turns it off.
	CoalescePerUser time.Duration
	// ResumeGrace keeps a disconnected member's name, and its calls,
	// for this long when it holds a resume token: a client that reconnects
	// with the token within it takes them over, and its call partner gets
	// no "disconnected" hang-up and nobody sees it leave. 0 means none.
	ResumeGrace time.Duration
	// Logger receives joins and leaves at Info and relays at Debug (type,
	// sender, target and size only: never SDP or candidates). nil discards.
	Logger *slog.Logger
}

// Hub is the registry and switchboard shared by all connections.
type Hub struct {
	router   Router
	interval time.Duration
	perUser  time.Duration
	grace    time.Duration
	log      *slog.Logger

	mu        sync.Mutex
	members   map[int64]*Member
	roster    *roster
	calls     *calls
	changes   []change           // since the last flush of updates
	newcomers []*Member          // registered, waiting for their first list
	resumes   map[string]*Member // by resume token
	lists     flusher            // newcomers' lists, every CoalesceInterval
	deltas    flusher            // everyone else's updates, every intervalLocked()
	closed    bool

	frames bufferPool // stamped relay frames
}

// New returns a Hub.
func New(cfg Config) *Hub {
	h := &Hub{
		router:   cfg.Router,
		interval: cfg.CoalesceInterval,
		perUser:  cfg.CoalescePerUser,
		grace:    cfg.ResumeGrace,
		log:      cfg.Logger,
		members:  make(map[int64]*Member),
		resumes:  make(map[string]*Member),
		roster:   newRoster(),
		calls:    newCalls(),
	}
	if h.router == nil {
		h.router = NewLocalRouter()
	}
	if h.interval <= 0 {
		h.interval = DefaultCoalesceInterval
	}
	if h.perUser == 0 {
		h.perUser = DefaultCoalescePerUser
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	return h
}

// Member is one attached connection. Its methods are called by that
// connection's session only, one at a time.
type Member struct {
	hub  *Hub
	peer Peer

	// Guarded by hub.mu.
	name       string // registered name; "" until the first username
	delta      bool   // the client asked for user-delta
	needsList  bool   // registered, waiting for its first list
	cursor     int    // changes[:cursor] are already in what it was sent
	detached   bool
	resume     string      // the token that lets a new connection take this one's place
	wantResume string      // the token this connection presented in hello
	leaving    *time.Timer // set while a disconnected member waits out the resume grace
}

// Attach adds a connection and sends it its id, the first frame of the MDN
// protocol. The connection is not visible to others until it registers.
func (h *Hub) Attach(p Peer) (*Member, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	m := &Member{hub: h, peer: p}
	h.members[p.ID()] = m
	p.Send(protocol.Encode(&protocol.Message{Type: protocol.TypeID, ID: p.ID()}))
	return m, nil
}

// Registered reports whether the member has a name.
func (m *Member) Registered() bool {
	m.hub.mu.Lock()
	defer m.hub.mu.Unlock()
	return m.name != ""
}

// Name returns the member's registered name, or "".
func (m *Member) Name() string {
	m.hub.mu.Lock()
	defer m.hub.mu.Unlock()
	return m.name
}

// Handle acts on one decoded client frame; raw is the frame as received and
// is what gets relayed (stamped) so that fields Parley does not know reach the
// target intact. The returned error is for the sender only.
func (m *Member) Handle(msg *protocol.Message, raw []byte) *protocol.Error {
	switch msg.Type {
	case protocol.TypeHello:
		m.hello(msg.Features, msg.Resume)
		return nil
	case protocol.TypeUsername:
		m.register(msg.Name)
		return nil
	}
	if !m.Registered() {
		return protocol.Errorf(protocol.ErrNotRegistered, msg.Type, "send \"username\" before %q", msg.Type)
	}
	if msg.Target != "" {
		return m.relay(msg, raw)
	}
	if msg.Type == protocol.TypeMessage {
		m.chat(msg)
		return nil
	}
	// Decode lets only the types above through without a target.
	return protocol.Errorf(protocol.ErrUnsupported, msg.Type, "%q needs a target", msg.Type)
}

// hello records the features the client asked for and answers with the ones
// the server accepted. A client may switch to deltas after registering: its
// pending changes then arrive as deltas at the next flush.
func (m *Member) hello(features []string, resume string) {
	h := m.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	m.wantResume = resume
	m.delta = slices.Contains(features, protocol.FeatureUserDelta)
	var accepted []string
	if m.delta {
		accepted = []string{protocol.FeatureUserDelta}
	}
	m.peer.Send(protocol.Encode(&protocol.Message{Type: protocol.TypeHello, Features: accepted}))
}

// register gives the connection a name, or renames it. The client-sent id is
// ignored: a connection can only ever name itself.
func (m *Member) register(want string) {
	h := m.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.detached || want == m.name {
		return
	}
	if m.wantResume != "" && h.takeOverLocked(m, want) {
		// The name never left the roster, so others see no change; the
		// newcomer still gets the whole list.
		h.issueResumeLocked(m)
		m.needsList = true
		h.newcomers = append(h.newcomers, m)
		h.changedLocked()
		return
	}
	given := uniqueName(want, h.roster.has)
	first := m.name == ""
	if !first {
		h.router.Unbind(m.name, m.peer)
		h.roster.remove(m.name)
		h.changes = append(h.changes, change{name: m.name})
		h.log.Info("rename", "id", m.peer.ID(), "from", m.name, "to", given)
	} else {
		h.log.Info("join", "id", m.peer.ID(), "name", given, "users", h.roster.len()+1)
	}
	m.name = given
	h.roster.add(given)
	h.router.Bind(given, m.peer)
	h.changes = append(h.changes, change{name: given, joined: true})
	if given != want {
		m.peer.Send(protocol.Encode(&protocol.Message{Type: protocol.TypeRejectUsername, ID: m.peer.ID(), Name: given}))
	}
	if first {
		h.issueResumeLocked(m)
		// A newcomer gets the whole list with the next list flush, which
		// is immediate unless one just happened. In a join storm all the
		// newcomers of one interval then share one encoded list instead of
		// each costing a copy of an ever longer one.
		m.needsList = true
		h.newcomers = append(h.newcomers, m)
	}
	h.changedLocked()
}

// chat broadcasts a chat message in the sender's registered name with the
// server's clock. Only text is copied: the server never interprets it.
func (m *Member) chat(msg *protocol.Message) {
	h := m.hub
	h.mu.Lock()
	name := m.name
	h.mu.Unlock()
	frame := protocol.Encode(&protocol.Message{
		Type: protocol.TypeMessage,
		ID:   m.peer.ID(),
		Name: name,
		Text: msg.Text,
		Date: time.Now().UnixMilli(),
	})
	h.router.Broadcast(frame)
}

// relay sends a targeted frame to its target only, with "name" stamped to the
// sender's registered name, and keeps the call pairs up to date.
func (m *Member) relay(msg *protocol.Message, raw []byte) *protocol.Error {
	h := m.hub
	target, ok := h.router.Lookup(msg.Target)
	if !ok {
		e := protocol.Errorf(protocol.ErrNoSuchUser, msg.Type, "%q is not online", msg.Target)
		e.User = msg.Target
		return e
	}
	h.mu.Lock()
	name := m.name
	from, to := m.peer.ID(), target.ID()
	switch msg.Type {
	case protocol.TypeVideoOffer:
		h.calls.offer(from, to)
	case protocol.TypeVideoAnswer:
		h.calls.answer(from, to)
	case protocol.TypeHangUp:
		h.calls.hangUp(from, to)
	}
	h.mu.Unlock()

	if msg.Type == protocol.TypeMessage {
		// A private chat line: same server-set fields as a broadcast one.
		target.Send(protocol.Encode(&protocol.Message{Type: msg.Type, ID: from, Name: name, Target: msg.Target, Text: msg.Text, Date: time.Now().UnixMilli()}))
	} else {
		f := h.frames.get(protocol.StampedLen(raw, name))
		var err error
		if f.buf, err = protocol.AppendStamp(f.buf, raw, name); err != nil {
			f.Release()
			return protocol.Errorf(protocol.ErrBadJSON, msg.Type, "cannot relay the frame")
		}
		target.SendOwned(f)
	}
	if h.log.Enabled(context.Background(), slog.LevelDebug) {
		h.log.Debug("relay", "type", msg.Type, "from", name, "to", msg.Target, "size", len(raw))
	}
	return nil
}

// Detach removes the connection: its name is freed, the others learn it left,
// and anyone in a call with it gets a hang-up with reason "disconnected".
func (m *Member) Detach() {
	h := m.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.detached || m.leaving != nil {
		return
	}
	if h.grace > 0 && m.name != "" && m.resume != "" && !h.closed {
		// Keep the name and calls for a resume; frames sent to the dead
		// peer meanwhile are lost, as they would be on a cut network.
		m.leaving = time.AfterFunc(h.grace, m.leave)
		return
	}
	h.detachLocked(m)
}

// leave ends a member's resume grace.
func (m *Member) leave() {
	m.hub.mu.Lock()
	defer m.hub.mu.Unlock()
	if !m.detached {
		m.hub.detachLocked(m)
	}
}

// detachLocked frees m's name and tells the others.
func (h *Hub) detachLocked(m *Member) {
	m.detached = true
	delete(h.members, m.peer.ID())
	delete(h.resumes, m.resume)
	for _, id := range h.calls.drop(m.peer.ID()) {
		if p, ok := h.members[id]; ok && p.name != "" && m.name != "" {
			p.peer.Send(protocol.Encode(&protocol.Message{
				Type:   protocol.TypeHangUp,
				Name:   m.name,
				Target: p.name,
				Reason: protocol.ReasonDisconnected,
			}))
		}
	}
	if m.name == "" {
		return
	}
	h.router.Unbind(m.name, m.peer)
	h.roster.remove(m.name)
	h.changes = append(h.changes, change{name: m.name})
	h.log.Info("leave", "id", m.peer.ID(), "name", m.name, "users", h.roster.len())
	h.changedLocked()
}

// Users returns the registered names in join order.
func (h *Hub) Users() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.roster.names)
}

// Close stops the flush timers and refuses new members. Sessions are closed
// by their owner (the server), which then detaches them.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	h.lists.stop()
	h.deltas.stop()
	for _, m := range h.members {
		if m.leaving != nil {
			m.leaving.Stop()
		}
	}
}

// changedLocked schedules the flushes a change needs. Newcomers' lists and
// everyone else's updates run on separate clocks: a newcomer waits at most
// CoalesceInterval for its list however big the server is, while the
// fan-out to all users, which costs a frame per user, runs on the stretched
// interval.
func (h *Hub) changedLocked() {
	if h.closed {
		return
	}
	if len(h.newcomers) > 0 {
		h.lists.schedule(h, h.interval, (*Hub).flushListsLocked)
	}
	h.deltas.schedule(h, h.intervalLocked(), (*Hub).flushDeltasLocked)
}

// flusher runs a flush at most once per interval: at once after a quiet
// interval, otherwise when the interval since the last one has passed.
type flusher struct {
	last  time.Time
	timer *time.Timer // a scheduled flush, or nil
}

func (f *flusher) schedule(h *Hub, interval time.Duration, flush func(*Hub)) {
	if f.timer != nil {
		return
	}
	wait := interval - time.Since(f.last)
	if wait <= 0 {
		f.last = time.Now()
		flush(h)
		return
	}
	f.timer = time.AfterFunc(wait, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		f.timer = nil
		if !h.closed {
			f.last = time.Now()
			flush(h)
		}
	})
}

func (f *flusher) stop() {
	if f.timer != nil {
		f.timer.Stop()
		f.timer = nil
	}
}

// intervalLocked is the current minimum time between fan-outs to all users.
func (h *Hub) intervalLocked() time.Duration {
	return max(h.interval, time.Duration(h.roster.len())*h.perUser)
}

// flushListsLocked sends the full list to the members that registered since
// the last list flush. The changes logged so far are in that list, so they
// will not get them again as deltas.
func (h *Hub) flushListsLocked() {
	var list []byte
	for _, m := range h.newcomers {
		if m.detached || !m.needsList {
			continue
		}
		if list == nil {
			list = h.roster.userlist()
		}
		m.peer.Send(list)
		m.needsList = false
		m.cursor = len(h.changes)
	}
	h.newcomers = h.newcomers[:0]
}

// flushDeltasLocked brings every other registered member up to date: legacy
// members get one full list, delta members the compacted changes they have
// not seen. Members whose lists were sent at the same point in the log
// share encoded frames.
func (h *Hub) flushDeltasLocked() {
	if len(h.changes) == 0 {
		return
	}
	var list []byte
	deltas := make(map[int][][]byte)
	for _, m := range h.members {
		switch {
		case m.name == "" || m.needsList || m.cursor >= len(h.changes):
		case !m.delta:
			if list == nil {
				list = h.roster.userlist()
			}
			m.peer.Send(list)
		default:
			frames, ok := deltas[m.cursor]
			if !ok {
				frames = deltaFrames(h.changes[m.cursor:])
				deltas[m.cursor] = frames
			}
			for _, f := range frames {
				m.peer.Send(f)
			}
		}
		m.cursor = 0
	}
	h.changes = h.changes[:0]
}
