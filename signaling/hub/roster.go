package hub

import (
	"encoding/json"
	"slices"
)

// roster is the ordered list of registered names (join order, as MDN's
// server sends it) with its JSON encoding kept ready. Every flush with a
// newcomer or a legacy client needs the whole list; re-marshalling 10,000
// names each time would dominate a join storm, so the encoding grows by
// appending and is rebuilt only after a removal.
type roster struct {
	names   []string
	encoded map[string][]byte // each name's JSON string form
	body    []byte            // the encoded names joined by commas
	stale   bool              // body must be rebuilt (after a removal)
}

func newRoster() *roster {
	return &roster{encoded: make(map[string][]byte)}
}

func (r *roster) has(name string) bool {
	_, ok := r.encoded[name]
	return ok
}

func (r *roster) len() int { return len(r.names) }

func (r *roster) add(name string) {
	enc, _ := json.Marshal(name) // a string always marshals
	r.names = append(r.names, name)
	r.encoded[name] = enc
	if !r.stale {
		if len(r.body) > 0 {
			r.body = append(r.body, ',')
		}
		r.body = append(r.body, enc...)
	}
}

func (r *roster) remove(name string) {
	if _, ok := r.encoded[name]; !ok {
		return
	}
	delete(r.encoded, name)
	if i := slices.Index(r.names, name); i >= 0 {
		r.names = slices.Delete(r.names, i, i+1)
	}
	r.stale = true
}

const (
	userlistPrefix = `{"type":"userlist","users":[`
	userlistSuffix = `]}`
)

// userlist returns a new "userlist" frame for the current names, to be
// shared by every peer it is sent to.
func (r *roster) userlist() []byte {
	if r.stale {
		r.body = r.body[:0]
		for i, n := range r.names {
			if i > 0 {
				r.body = append(r.body, ',')
			}
			r.body = append(r.body, r.encoded[n]...)
		}
		r.stale = false
	}
	f := make([]byte, 0, len(userlistPrefix)+len(r.body)+len(userlistSuffix))
	f = append(f, userlistPrefix...)
	f = append(f, r.body...)
	return append(f, userlistSuffix...)
}
