package protocol

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Decode parses and validates one client frame. The result is safe to route:
// the type is known to need (or not need) a target, and the fields that type
// requires are present. Names in the frame are returned as sent; the server
// replaces them with the sender's registered name before relaying.
//
// Unknown types are accepted when they carry a target, because the MDN server
// relays them and clients use them for their own extensions.
func Decode(data []byte) (*Message, error) {
	var m Message
	if err := decode(data, &m, &Message{}, false); err != nil {
		return nil, err
	}
	return &m, nil
}

// decode is Decode and DecodeRoute: it reads data into m, which must be
// zero, taking unchanged strings from prev (see scanner.message), and
// validates the result. In route mode the relayed bodies are checked, not
// read.
func decode(data []byte, m, prev *Message, route bool) *Error {
	if len(data) > MaxFrameBytes {
		return Errorf(ErrTooLarge, "", "frame is %d bytes; the limit is %d", len(data), MaxFrameBytes)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Errorf(ErrBadJSON, "", "a frame must be one JSON object")
	}
	p := scanner{data: trimmed, route: route}
	fast := p.message(m, prev)
	if !fast {
		*m = Message{} // the fast path may have filled some fields
		if err := json.Unmarshal(trimmed, m); err != nil {
			return Errorf(ErrBadJSON, "", "%s", describeJSONError(err))
		}
	}
	b := bodiesOf(m)
	if fast && route {
		b = p.bodies
	}
	if m.Type == "" {
		return Errorf(ErrMissingField, "", `"type" is required`)
	}
	return validate(m, b)
}

// bodies is what validate needs to know of the relayed bodies, which
// DecodeRoute checks without reading them into the Message.
type bodies struct {
	sdp       bool // "sdp" is an object with a non-empty "type" and "sdp"
	candidate bool // "candidate" is an object
}

func bodiesOf(m *Message) bodies {
	return bodies{sdp: m.SDP != nil && m.SDP.SDP != "" && m.SDP.Type != "", candidate: m.Candidate != nil}
}

func validate(m *Message, b bodies) *Error {
	switch m.Type {
	case TypeUsername:
		name, err := ValidateName(m.Name)
		if err != nil {
			err.About = m.Type
			return err
		}
		m.Name = name
	case TypeMessage:
		if strings.TrimSpace(m.Text) == "" {
			return Errorf(ErrMissingField, m.Type, `"text" is required`)
		}
		if utf8.RuneCountInString(m.Text) > MaxTextRunes {
			return Errorf(ErrTextTooLong, m.Type, "a message may have at most %d characters", MaxTextRunes)
		}
	case TypeHello:
		if len(m.Resume) > MaxResumeBytes {
			return Errorf(ErrBadJSON, m.Type, `"resume" is at most %d bytes`, MaxResumeBytes)
		}
	case TypeVideoOffer, TypeVideoAnswer:
		if err := needTarget(m); err != nil {
			return err
		}
		if !b.sdp {
			return Errorf(ErrMissingField, m.Type, `"sdp" with "type" and "sdp" is required`)
		}
	case TypeNewICECandidate:
		if err := needTarget(m); err != nil {
			return err
		}
		if !b.candidate {
			return Errorf(ErrMissingField, m.Type, `"candidate" is required`)
		}
	case TypeHangUp:
		return needTarget(m)
	case TypeMediaState:
		if err := needTarget(m); err != nil {
			return err
		}
		if m.Audio == nil || m.Video == nil {
			return Errorf(ErrMissingField, m.Type, `"audio" and "video" (true or false) are required`)
		}
	case TypeID, TypeRejectUsername, TypeUserlist, TypeUserJoined, TypeUserLeft, TypeError, TypeICEServers:
		return Errorf(ErrUnsupported, m.Type, "%q is sent only by the server", m.Type)
	default:
		if m.Target == "" {
			return Errorf(ErrUnsupported, m.Type, "unknown message type %q needs a target", m.Type)
		}
	}
	return nil
}

func needTarget(m *Message) *Error {
	if m.Target == "" {
		return Errorf(ErrMissingField, m.Type, `"target" is required`)
	}
	return nil
}

// ValidateName trims a requested username and checks it: 1 to MaxNameRunes
// characters, valid UTF-8, no control or format characters (which could hide
// or reorder text in other users' lists).
func ValidateName(name string) (string, *Error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", Errorf(ErrBadName, "", "a name is required")
	}
	if !utf8.ValidString(name) {
		return "", Errorf(ErrBadName, "", "a name must be valid UTF-8")
	}
	if n := utf8.RuneCountInString(name); n > MaxNameRunes {
		return "", Errorf(ErrBadName, "", "a name may have at most %d characters, not %d", MaxNameRunes, n)
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return "", Errorf(ErrBadName, "", "a name may not contain control characters")
		}
	}
	return name, nil
}

// describeJSONError turns encoding/json's errors into a short sentence that
// does not echo the client's bytes back.
func describeJSONError(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return "malformed JSON at byte " + strconv.FormatInt(e.Offset, 10)
	case *json.UnmarshalTypeError:
		if e.Field != "" {
			return "field " + e.Field + " must be " + e.Type.String() + ", not " + e.Value
		}
		return "a frame must be one JSON object"
	default:
		return "malformed JSON"
	}
}
