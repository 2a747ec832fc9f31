package hub

import (
	"strconv"
	"unicode/utf8"

	"github.com/parleyhq/parley/signaling/protocol"
)

// uniqueName returns want if nobody holds it, otherwise want with the
// smallest free number appended (alice, alice1, alice2, …), as MDN's server
// does. The base is shortened when the suffix would push the name past
// protocol.MaxNameRunes, so the result is always a valid name.
func uniqueName(want string, taken func(string) bool) string {
	if !taken(want) {
		return want
	}
	for i := 1; ; i++ {
		suffix := strconv.Itoa(i)
		base := want
		for utf8.RuneCountInString(base)+len(suffix) > protocol.MaxNameRunes {
			_, size := utf8.DecodeLastRuneInString(base)
			base = base[:len(base)-size]
		}
		if name := base + suffix; !taken(name) {
			return name
		}
	}
}
