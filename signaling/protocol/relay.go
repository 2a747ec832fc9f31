package protocol

import (
	"bytes"
	"encoding/json"
)

// Stamp rewrites a client frame for relaying: it sets "name" to the sender's
// registered name, overwriting whatever the client claimed, and keeps every
// other member byte for byte, so that extensions reach the target intact.
// data must already have passed Decode.
//
// Stamp sits on the relay path (every offer, answer and candidate), so it
// walks the top-level members instead of decoding the frame into a map and
// encoding it again, which cost a third of the server's CPU when relaying.
// Every top-level key that means "name" to a JavaScript client is dropped,
// including duplicates and escaped spellings such as "n\u0061me", and the
// server's name is written first.
func Stamp(data []byte, name string) ([]byte, error) {
	enc, _ := json.Marshal(name) // a string always marshals
	out := make([]byte, 0, len(data)+len(enc)+10)
	out = append(out, `{"name":`...)
	out = append(out, enc...)
	err := walkObject(data, func(key, member []byte) {
		if !isNameKey(key) {
			out = append(out, ',')
			out = append(out, member...)
		}
	})
	if err != nil {
		return nil, err
	}
	return append(out, '}'), nil
}

// isNameKey reports whether a quoted JSON key decodes to exactly "name".
func isNameKey(key []byte) bool {
	if bytes.IndexByte(key, '\\') < 0 {
		return string(key) == `"name"`
	}
	var k string
	return json.Unmarshal(key, &k) == nil && k == "name"
}

var errNotObject = Errorf(ErrBadJSON, "", "a frame must be one JSON object")

// walkObject calls fn for each member of the top-level object in data with
// the member's quoted key and its whole text (key, colon and value). It
// checks the structure it walks; values are taken as they are, which is
// why data must be valid JSON.
func walkObject(data []byte, fn func(key, member []byte)) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return errNotObject
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return trailing(data, i+1)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return errNotObject
		}
		start := i
		i = skipString(data, i)
		if i < 0 {
			return errNotObject
		}
		key := data[start:i]
		i = skipSpace(data, i)
		if i >= len(data) || data[i] != ':' {
			return errNotObject
		}
		i = skipValue(data, skipSpace(data, i+1))
		if i < 0 {
			return errNotObject
		}
		fn(key, data[start:i])
		i = skipSpace(data, i)
		if i >= len(data) {
			return errNotObject
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return trailing(data, i+1)
		default:
			return errNotObject
		}
	}
}

func trailing(data []byte, i int) error {
	if skipSpace(data, i) != len(data) {
		return errNotObject
	}
	return nil
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after the string starting at data[i] (a
// quote), or -1 if it does not end. It jumps from quote to quote with
// IndexByte (SDP bodies are kilobytes of text with few quotes); a quote
// preceded by an odd number of backslashes is escaped.
func skipString(data []byte, i int) int {
	for i++; ; i++ {
		q := bytes.IndexByte(data[i:], '"')
		if q < 0 {
			return -1
		}
		i += q
		backslashes := 0
		for j := i - 1; data[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return i + 1
		}
	}
}

// skipValue returns the index after the value starting at data[i], or -1.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				if i = skipString(data, i); i < 0 {
					return -1
				}
				i--
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	default:
		start := i
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				if i == start {
					return -1
				}
				return i
			}
			i++
		}
		return -1
	}
}
