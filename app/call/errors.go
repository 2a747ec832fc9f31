package call

import "fmt"

// Code classifies a call failure so that the engine can show the user a
// sentence without parsing pion's error strings.
type Code string

// Failure classes.
const (
	ErrBadSDP       Code = "bad-sdp"       // the remote description could not be parsed or applied
	ErrBadCandidate Code = "bad-candidate" // a remote ICE candidate was rejected
	ErrState        Code = "bad-state"     // a step arrived when the call could not take it (closed, wrong order)
	ErrMedia        Code = "media"         // adding or replacing a local track failed
	ErrSetup        Code = "setup"         // the PeerConnection could not be built
)

// Error is a failure of one call step. The call itself stays usable unless
// the step was its setup.
type Error struct {
	Code Code
	Op   string // the step that failed, e.g. "apply offer"
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s: %v", e.Code, e.Op, e.Err) }

// Unwrap returns the underlying pion error.
func (e *Error) Unwrap() error { return e.Err }

func fail(code Code, op string, err error) *Error { return &Error{Code: code, Op: op, Err: err} }
