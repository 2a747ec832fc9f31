package protocol

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"strings"
	"unicode/utf8"
)

// message is the fast path of Decode and DecodeRoute. It reads the plain
// frames the relay carries (offers, answers, candidates, hang-ups, chat,
// usernames, media-state) into m, which must be zero, in one pass over the
// data, and reports false for anything outside that plain subset:
// duplicate or escaped keys, keys that match a field but for case, nulls in
// fields, arrays, nested objects other than "sdp" and "candidate", \u
// escapes, numbers in fields that are not small integers, and every
// malformed frame. The caller then falls back to encoding/json, which gives
// such frames their exact meaning and errors.
//
// It exists because encoding/json scans an offer twice (validation, then
// decoding) byte by byte and copies the SDP twice while unescaping it; that
// was a quarter of the server's CPU at 20,000 relayed frames per second.
// Whatever it accepts, encoding/json accepts too and decodes to the same
// Message (FuzzDecodeFastMatchesJSON checks this), so Decode's results do
// not depend on which path read the frame.
//
// Strings that equal prev's (the frame a session decoded before, for
// DecodeRoute) are taken from prev, and known type and reason names from
// this package's constants, so a session relaying to the same target over
// and over allocates none of them; Decode passes an empty prev. In route
// mode the relayed bodies are checked but not read (see sdpBody and
// candidateBody).
func (p *scanner) message(m, prev *Message) bool {
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return p.readKnown(&m.Type, prev.Type)
		case "id":
			return p.readInt64(&m.ID)
		case "name":
			return p.readReused(&m.Name, prev.Name)
		case "target":
			return p.readReused(&m.Target, prev.Target)
		case "date":
			return p.readInt64(&m.Date)
		case "text":
			return p.readReused(&m.Text, prev.Text)
		case "reason":
			return p.readKnown(&m.Reason, prev.Reason)
		case "resume":
			return p.readReused(&m.Resume, prev.Resume)
		case "audio":
			m.Audio = reusedBool(prev.Audio)
			return p.readBool(m.Audio)
		case "video":
			m.Video = reusedBool(prev.Video)
			return p.readBool(m.Video)
		case "sdp":
			if p.route {
				return p.sdpBody()
			}
			m.SDP = new(SessionDescription)
			return p.sessionDescription(m.SDP)
		case "candidate":
			if p.route {
				p.bodies.candidate = true
				return p.candidateBody()
			}
			m.Candidate = new(ICECandidate)
			return p.iceCandidate(m.Candidate)
		}
		return p.skipUnknown(key, messageFields)
	})
	return ok && p.skipSpace() == len(p.data)
}

// scanner walks a JSON text for the fast path. Each method reads one value
// at the current position and reports false when the value is not in the
// plain subset the fast path handles.
type scanner struct {
	data []byte
	i    int

	// route is DecodeRoute's mode: "sdp" and "candidate" are checked as
	// they would be read, and what validate needs to know of them is
	// recorded in bodies instead.
	route  bool
	bodies bodies
}

func (p *scanner) sessionDescription(d *SessionDescription) bool {
	return p.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return p.readString(&d.Type)
		case "sdp":
			return p.readString(&d.SDP)
		}
		return p.skipUnknown(key, sessionDescriptionFields)
	})
}

func (p *scanner) iceCandidate(c *ICECandidate) bool {
	return p.object(func(key []byte) bool {
		switch string(key) {
		case "candidate":
			return p.readString(&c.Candidate)
		case "sdpMid":
			c.SDPMid = new(string)
			return p.readString(c.SDPMid)
		case "sdpMLineIndex":
			c.SDPMLineIndex = new(uint16)
			return p.readUint16(c.SDPMLineIndex)
		case "usernameFragment":
			c.UsernameFragment = new(string)
			return p.readString(c.UsernameFragment)
		}
		return p.skipUnknown(key, iceCandidateFields)
	})
}

// sdpBody checks an "sdp" object exactly as sessionDescription reads it,
// without copying its strings, and records whether its "type" and "sdp"
// are both non-empty (an escape never unescapes to nothing, so the raw
// text's length tells).
func (p *scanner) sdpBody() bool {
	var typ, sdp []byte
	ok := p.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "type":
			typ, _, ok = p.scanString()
		case "sdp":
			sdp, _, ok = p.scanString()
		default:
			ok = p.skipUnknown(key, sessionDescriptionFields)
		}
		return ok
	})
	p.bodies.sdp = len(typ) > 0 && len(sdp) > 0
	return ok
}

// candidateBody checks a "candidate" object exactly as iceCandidate reads
// it, without copying its strings.
func (p *scanner) candidateBody() bool {
	return p.object(func(key []byte) bool {
		switch string(key) {
		case "candidate", "sdpMid", "usernameFragment":
			_, _, ok := p.scanString()
			return ok
		case "sdpMLineIndex":
			var v uint16
			return p.readUint16(&v)
		}
		return p.skipUnknown(key, iceCandidateFields)
	})
}

// The JSON names of each decoded type's fields. encoding/json matches a
// key that equals none of them exactly to one that equals it but for ASCII
// case, so such a key is not unknown.
var (
	messageFields            = jsonNames(reflect.TypeFor[Message]())
	sessionDescriptionFields = jsonNames(reflect.TypeFor[SessionDescription]())
	iceCandidateFields       = jsonNames(reflect.TypeFor[ICECandidate]())
)

func jsonNames(t reflect.Type) []string {
	names := make([]string, 0, t.NumField())
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		names = append(names, name)
	}
	return names
}

// skipUnknown steps over the value of a member that matches none of the
// type's fields, as encoding/json ignores it, when the value is a plain
// string, a number or a literal: clients add such members for their own
// extensions (the load generator stamps each frame with "sent"). Keys
// that match a field but for case, and other values, are left to
// encoding/json.
func (p *scanner) skipUnknown(key []byte, fields []string) bool {
	for _, f := range fields {
		if strings.EqualFold(string(key), f) {
			return false
		}
	}
	rest := p.data[p.i:]
	switch {
	case len(rest) == 0:
		return false
	case rest[0] == '"':
		_, _, ok := p.scanString()
		return ok
	case rest[0] == '-' || (rest[0] >= '0' && rest[0] <= '9'):
		return p.skipNumber()
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(rest) >= len(lit) && string(rest[:len(lit)]) == lit {
			p.i += len(lit)
			return true
		}
	}
	return false
}

// skipNumber steps over a number of JSON's grammar:
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *scanner) skipNumber() bool {
	p.next('-')
	if !p.next('0') && p.skipDigits() == 0 { // a leading zero stands alone
		return false
	}
	if p.next('.') && p.skipDigits() == 0 {
		return false
	}
	if p.next('e') || p.next('E') {
		if !p.next('+') {
			p.next('-')
		}
		if p.skipDigits() == 0 {
			return false
		}
	}
	return true
}

func (p *scanner) skipDigits() int {
	start := p.i
	for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
		p.i++
	}
	return p.i - start
}

// maxMembers bounds the members of one object that the fast path reads;
// a longer object is left to encoding/json.
const maxMembers = 16

// object reads an object whose keys are plain ASCII without escapes, each
// at most once, calling member with the position on the key's value.
// Duplicates are refused because encoding/json merges repeated objects
// into one another rather than replacing them.
func (p *scanner) object(member func(key []byte) bool) bool {
	var seen [maxMembers][]byte
	n := 0
	p.skipSpace()
	if !p.next('{') {
		return false
	}
	p.skipSpace()
	if p.next('}') {
		return true
	}
	for {
		key, ok := p.key()
		if !ok || n == maxMembers {
			return false
		}
		for _, k := range seen[:n] {
			if string(k) == string(key) {
				return false
			}
		}
		seen[n] = key
		n++
		p.skipSpace()
		if !p.next(':') {
			return false
		}
		p.skipSpace()
		if !member(key) {
			return false
		}
		p.skipSpace()
		if p.next('}') {
			return true
		}
		if !p.next(',') {
			return false
		}
		p.skipSpace()
	}
}

// key returns a quoted key's bytes if they are printable ASCII with no
// escapes; other keys may match a field in ways only encoding/json knows
// (escapes, case folding).
func (p *scanner) key() ([]byte, bool) {
	if !p.next('"') {
		return nil, false
	}
	start := p.i
	for ; p.i < len(p.data); p.i++ {
		c := p.data[p.i]
		if c == '"' {
			p.i++
			return p.data[start : p.i-1], true
		}
		if c < 0x20 || c >= 0x80 || c == '\\' {
			return nil, false
		}
	}
	return nil, false
}

func (p *scanner) next(c byte) bool {
	if p.i < len(p.data) && p.data[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *scanner) skipSpace() int {
	p.i = skipSpace(p.data, p.i)
	return p.i
}

// unescaped maps the escape letters the fast path accepts to their bytes; 0
// marks the rest (\u and invalid escapes).
var unescaped = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plainWord reports whether none of the 8 bytes in w is a control
// character, a quote, a backslash or a non-ASCII byte, so a string scan can
// step over all of them at once. SDP bodies are long runs of such bytes.
func plainWord(w uint64) bool {
	control := (w - 0x20*ones) &^ w
	quote := w ^ '"'*ones
	backslash := w ^ '\\'*ones
	special := control | ((quote - ones) &^ quote) | ((backslash - ones) &^ backslash)
	return (special|w)&highs == 0
}

// readReused reads a string into *s like readString, but takes prev when
// the string is the same, instead of allocating a copy of it.
func (p *scanner) readReused(s *string, prev string) bool {
	raw, escapes, ok := p.scanString()
	if ok {
		*s = reuse(raw, escapes, prev)
	}
	return ok
}

// readKnown is readReused for the names of types and reasons: a name of
// this package's is taken from its constant.
func (p *scanner) readKnown(s *string, prev string) bool {
	raw, escapes, ok := p.scanString()
	if !ok {
		return false
	}
	if known, found := knownNames[string(raw)]; found && !escapes {
		*s = known
	} else {
		*s = reuse(raw, escapes, prev)
	}
	return true
}

// reuse returns prev if raw spells it without escapes, else a new string.
func reuse(raw []byte, escapes bool, prev string) string {
	if !escapes && string(raw) == prev {
		return prev
	}
	return unescape(raw, escapes)
}

// knownNames holds the message types and hang-up reasons, for readKnown.
var knownNames = func() map[string]string {
	names := make(map[string]string)
	for _, n := range []string{TypeID, TypeUsername, TypeRejectUsername, TypeUserlist, TypeMessage, TypeVideoOffer,
		TypeVideoAnswer, TypeNewICECandidate, TypeHangUp, TypeHello, TypeUserJoined, TypeUserLeft, TypeError,
		TypeICEServers, TypeSession, TypeMediaState, ReasonHangUp, ReasonDeclined, ReasonBusy, ReasonDisconnected,
		ReasonFailed} {
		names[n] = n
	}
	return names
}()

// reusedBool returns prev, or a new bool if there is none: a media-state
// frame's two booleans then cost nothing after a session's first one.
func reusedBool(prev *bool) *bool {
	if prev != nil {
		return prev
	}
	return new(bool)
}

// readString reads a string into *s. Control characters and \u escapes are left to
// encoding/json; other non-ASCII text is taken when it is valid UTF-8, which
// encoding/json keeps as it is.
func (p *scanner) readString(s *string) bool {
	raw, escapes, ok := p.scanString()
	if ok {
		*s = unescape(raw, escapes)
	}
	return ok
}

// scanString checks the string at the position and returns its bytes
// between the quotes and whether they hold escapes.
func (p *scanner) scanString() (raw []byte, escapes, ok bool) {
	if !p.next('"') {
		return nil, false, false
	}
	d := p.data
	start := p.i
	i := start
	nonASCII := false
	for {
		for i+8 <= len(d) && plainWord(binary.LittleEndian.Uint64(d[i:])) {
			i += 8
		}
		if i >= len(d) {
			return nil, false, false
		}
		c := d[i]
		switch {
		case c == '"':
			raw = d[start:i]
			p.i = i + 1
			if nonASCII && !utf8.Valid(raw) {
				return nil, false, false
			}
			return raw, escapes, true
		case c < 0x20:
			return nil, false, false
		case c >= 0x80:
			nonASCII = true
		case c == '\\':
			if i+1 >= len(d) || unescaped[d[i+1]] == 0 {
				return nil, false, false
			}
			escapes = true
			i++
		}
		i++
	}
}

// unescape builds the string for raw, whose escapes readString has checked, with
// a single allocation.
func unescape(raw []byte, escapes bool) string {
	if !escapes {
		return string(raw)
	}
	var b strings.Builder
	b.Grow(len(raw))
	for {
		k := bytes.IndexByte(raw, '\\')
		if k < 0 {
			b.Write(raw)
			return b.String()
		}
		b.Write(raw[:k])
		b.WriteByte(unescaped[raw[k+1]])
		raw = raw[k+2:]
	}
}

// digits reads the ASCII digits at the position as a number, if there are
// 1 to maxDigits of them without a leading zero, followed by something that
// ends a number (not a fraction or exponent, which encoding/json would
// refuse for an integer field).
func (p *scanner) digits(maxDigits int) (uint64, bool) {
	start := p.i
	var n uint64
	for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
		n = n*10 + uint64(p.data[p.i]-'0')
		p.i++
		if p.i-start > maxDigits {
			return 0, false
		}
	}
	if p.i == start || (p.i-start > 1 && p.data[start] == '0') {
		return 0, false
	}
	if p.i < len(p.data) {
		switch p.data[p.i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	return n, true
}

// readInt64 reads an integer of up to 18 digits, which always fits.
func (p *scanner) readInt64(v *int64) bool {
	neg := p.next('-')
	n, ok := p.digits(18)
	if !ok {
		return false
	}
	*v = int64(n)
	if neg {
		*v = -*v
	}
	return true
}

func (p *scanner) readUint16(v *uint16) bool {
	n, ok := p.digits(5)
	if !ok || n > 0xffff {
		return false
	}
	*v = uint16(n)
	return true
}

func (p *scanner) readBool(v *bool) bool {
	rest := p.data[p.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		*v = true
		p.i += 4
	case len(rest) >= 5 && string(rest[:5]) == "false":
		*v = false
		p.i += 5
	default:
		return false
	}
	return true
}
