package hub

import (
	"encoding/json"

	"github.com/parleyhq/parley/signaling/protocol"
)

// change is one entry of the hub's log of user-list changes since the last
// flush. A rename is logged as a leave of the old name and a join of the new.
type change struct {
	name   string
	joined bool
}

// deltaFrames compacts a run of changes into user-left frames, then
// user-joined frames. Changes that cancel out (a name that joined and left in
// the same window, or left and came back) are dropped, so a client that
// applies the frames in order ends with exactly the server's list.
func deltaFrames(changes []change) [][]byte {
	var joined, left []string
	joinedAt := make(map[string]int)
	leftAt := make(map[string]int)
	for _, c := range changes {
		if c.joined {
			if i, ok := leftAt[c.name]; ok {
				left[i] = ""
				delete(leftAt, c.name)
				continue
			}
			joinedAt[c.name] = len(joined)
			joined = append(joined, c.name)
			continue
		}
		if i, ok := joinedAt[c.name]; ok {
			joined[i] = ""
			delete(joinedAt, c.name)
			continue
		}
		leftAt[c.name] = len(left)
		left = append(left, c.name)
	}
	return append(deltaFrameSet(protocol.TypeUserLeft, left), deltaFrameSet(protocol.TypeUserJoined, joined)...)
}

// maxSingles is the largest change set sent as one frame per name. Clients
// that only read "name" (the shape of a single change) then stay correct
// in normal use; a join storm is sent as batches, which are several times
// smaller than a frame per name.
const maxSingles = 16

// deltaFrameSet encodes the names that are still set as frames of type typ:
// one {"type","name","users":[name]} per name for a few, one
// {"type","users":[…]} batch for more.
func deltaFrameSet(typ string, names []string) [][]byte {
	users := names[:0:0]
	for _, n := range names {
		if n != "" {
			users = append(users, n)
		}
	}
	if len(users) > maxSingles {
		return [][]byte{encodeDelta(deltaMessage{Type: typ, Users: users})}
	}
	var frames [][]byte
	for _, n := range users {
		frames = append(frames, encodeDelta(deltaMessage{Type: typ, Name: n, Users: []string{n}}))
	}
	return frames
}

func encodeDelta(m deltaMessage) []byte {
	b, _ := json.Marshal(m) // strings only; cannot fail
	return b
}

// deltaMessage fixes the field order of delta frames (type first) and keeps
// them free of protocol.Message's other fields.
type deltaMessage struct {
	Type  string   `json:"type"`
	Name  string   `json:"name,omitempty"`
	Users []string `json:"users"`
}
