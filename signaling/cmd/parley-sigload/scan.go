package main

import (
	"bytes"
	"strconv"
)

// Cheap frame inspection. A load generator that decoded every user-list
// frame into Go strings would allocate hundreds of millions of them for
// 10,000 users and measure its own garbage collector instead of the server,
// so it reads just what it needs from the bytes.

var (
	prefixID       = []byte(`{"type":"id"`)
	prefixUserlist = []byte(`{"type":"userlist"`)
	prefixJoined   = []byte(`{"type":"user-joined"`)
	prefixLeft     = []byte(`{"type":"user-left"`)
	prefixHello    = []byte(`{"type":"hello"`)
	prefixReject   = []byte(`{"type":"rejectusername"`)
	prefixError    = []byte(`{"type":"error"`)
	usersKey       = []byte(`"users":[`)
	sentKey        = []byte(`"sent":`)
)

// countUsers returns the number of strings in the frame's "users" array.
func countUsers(frame []byte) int {
	i := bytes.Index(frame, usersKey)
	if i < 0 {
		return 0
	}
	n := 0
	inString, escaped := false, false
	for _, c := range frame[i+len(usersKey):] {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			if !inString {
				n++
			}
			inString = !inString
		case !inString && c == ']':
			return n
		}
	}
	return n
}

// sentAt returns the "sent" timestamp (Unix nanoseconds) the load generator
// put into a relayed frame.
func sentAt(frame []byte) (int64, bool) {
	i := bytes.Index(frame, sentKey)
	if i < 0 {
		return 0, false
	}
	rest := frame[i+len(sentKey):]
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	v, err := strconv.ParseInt(string(rest[:end]), 10, 64)
	return v, err == nil
}
