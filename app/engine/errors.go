package engine

import (
	"errors"
	"fmt"

	"github.com/parleyhq/parley/app/call"
	"github.com/parleyhq/parley/signaling/protocol"
)

// ErrorCode classifies an engine error for the UI.
type ErrorCode string

// Error codes.
const (
	ErrBusy        ErrorCode = "busy"         // a call is already in progress
	ErrNoCall      ErrorCode = "no-call"      // the command needs a call and there is none
	ErrUnknownCall ErrorCode = "unknown-call" // a signaling message for a call that does not exist
	ErrBadRemote   ErrorCode = "bad-remote"   // the peer sent something unusable (malformed SDP, bad candidate)
	ErrMedia       ErrorCode = "media"        // a camera or microphone could not be opened or switched
	ErrSignaling   ErrorCode = "signaling"    // the signaling connection failed
	ErrServer      ErrorCode = "server"       // the server reported an error
	ErrSetup       ErrorCode = "setup"        // the call could not be built
	ErrNotRunning  ErrorCode = "not-running"  // the engine's loop is not running
	ErrBadInput    ErrorCode = "bad-input"    // a command's argument is unusable (empty name, own name)
)

// Error is both the error commands return and the event the engine reports
// when something goes wrong that no command is waiting for. Text is a
// sentence for the user; Err is the cause, for logs.
type Error struct {
	Code ErrorCode `json:"code"`
	Text string    `json:"text"`
	Err  error     `json:"-"`
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s (%v)", e.Code, e.Text, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Text)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func errorf(code ErrorCode, err error, format string, args ...any) *Error {
	return &Error{Code: code, Text: fmt.Sprintf(format, args...), Err: err}
}

// fromCall turns a call step's failure into an engine error, blaming the
// peer when it was the peer's input that failed.
func fromCall(err error, peer string) *Error {
	var ce *call.Error
	if errors.As(err, &ce) {
		switch ce.Code {
		case call.ErrBadSDP:
			return errorf(ErrBadRemote, err, "%s sent a session description that could not be used", peer)
		case call.ErrBadCandidate:
			return errorf(ErrBadRemote, err, "%s sent a network candidate that could not be used", peer)
		case call.ErrMedia:
			return errorf(ErrMedia, err, "the camera or microphone could not be attached to the call")
		}
	}
	return errorf(ErrSetup, err, "the call with %s could not be set up", peer)
}

// fromServer turns a server "error" message into an engine error.
func fromServer(m *protocol.Message) *Error {
	text := m.Detail
	if m.Code == protocol.ErrNoSuchUser && m.User != "" {
		text = m.User + " is not online"
	}
	return &Error{Code: ErrServer, Text: text, Err: fmt.Errorf("server error %s about %q", m.Code, m.About)}
}
