package protocol

import "encoding/json"

// Stamp rewrites a client frame for relaying: it sets "name" to the sender's
// registered name, overwriting whatever the client claimed, and keeps every
// other field as sent so that extensions reach the target intact. data must
// already have passed Decode.
func Stamp(data []byte, name string) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, Errorf(ErrBadJSON, "", "%s", describeJSONError(err))
	}
	n, _ := json.Marshal(name)
	fields["name"] = n
	return json.Marshal(fields)
}
