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

// deltaFrames compacts a run of changes into at most two frames: user-left,
// then user-joined. Changes that cancel out (a name that joined and left in
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
	var frames [][]byte
	if f := deltaFrame(protocol.TypeUserLeft, left); f != nil {
		frames = append(frames, f)
	}
	if f := deltaFrame(protocol.TypeUserJoined, joined); f != nil {
		frames = append(frames, f)
	}
	return frames
}

// deltaFrame encodes {"type":typ,"users":[…]} with the names that are still
// set; "name" is added when there is exactly one, which is the common case
// and the shape of a single change.
func deltaFrame(typ string, names []string) []byte {
	users := names[:0:0]
	for _, n := range names {
		if n != "" {
			users = append(users, n)
		}
	}
	if len(users) == 0 {
		return nil
	}
	m := deltaMessage{Type: typ, Users: users}
	if len(users) == 1 {
		m.Name = users[0]
	}
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
