package client

import (
	"errors"
	"fmt"
)

// DialError means the WebSocket connection could not be made: the server is
// unreachable, refused the upgrade (Status is the HTTP status, e.g. 403 for
// a foreign Origin or 429 for too many connections), or spoke no WebSocket.
type DialError struct {
	URL    string
	Status int // HTTP status of a refused handshake; 0 if there was no response
	Err    error
}

func (e *DialError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("signaling: dial %s: HTTP %d: %v", e.URL, e.Status, e.Err)
	}
	return fmt.Sprintf("signaling: dial %s: %v", e.URL, e.Err)
}

func (e *DialError) Unwrap() error { return e.Err }

// ErrClosed is returned by Send after Close, and by Err after Close.
var ErrClosed = errors.New("signaling: client closed")
