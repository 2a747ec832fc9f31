package protocol

import "fmt"

// ErrorCode names a class of failure. Codes are stable strings that clients
// switch on to show the user a message; Detail is for people and logs.
type ErrorCode string

// Error codes sent in "error" messages.
const (
	ErrBadJSON        ErrorCode = "bad-json"         // the frame is not a JSON object, or a field has the wrong type
	ErrMissingField   ErrorCode = "missing-field"    // a field the type requires is absent or empty
	ErrBadName        ErrorCode = "bad-name"         // a username is empty, too long or has control characters
	ErrTextTooLong    ErrorCode = "text-too-long"    // a chat message is over MaxTextRunes
	ErrTooLarge       ErrorCode = "too-large"        // the frame is over MaxFrameBytes (the connection closes with 1009)
	ErrRateLimited    ErrorCode = "rate-limited"     // too many messages per second
	ErrNoSuchUser     ErrorCode = "no-such-user"     // the target is not online
	ErrNotRegistered  ErrorCode = "not-registered"   // the client must send "username" first
	ErrUnsupported    ErrorCode = "unsupported"      // a message type the server does not route without a target
	ErrUnauthorized   ErrorCode = "unauthorized"     // a missing or wrong access token
	ErrTooManyClients ErrorCode = "too-many-clients" // the per-address connection cap is reached
	ErrInternal       ErrorCode = "internal"         // the server failed; the client may retry
)

// ErrorCodes is every code above: the browser client has a sentence for
// each (serverErrorText in signaling/web/static/js/protocol.js; a test holds
// them together).
var ErrorCodes = []ErrorCode{
	ErrBadJSON, ErrMissingField, ErrBadName, ErrTextTooLong, ErrTooLarge, ErrRateLimited,
	ErrNoSuchUser, ErrNotRegistered, ErrUnsupported, ErrUnauthorized, ErrTooManyClients, ErrInternal,
}

// Error is a protocol failure that is reported to the client as an "error"
// message. The connection stays open unless the server says otherwise.
type Error struct {
	Code   ErrorCode
	Detail string
	About  string // the type of the offending message, if known
	User   string // the user the error concerns (no-such-user)
}

func (e *Error) Error() string {
	if e.About != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.About, e.Detail)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Detail)
}

// Message converts e into the wire message sent to the client.
func (e *Error) Message() *Message {
	return &Message{Type: TypeError, Code: e.Code, Detail: e.Detail, About: e.About, User: e.User}
}

// Errorf builds an *Error with a formatted detail.
func Errorf(code ErrorCode, about, format string, args ...any) *Error {
	return &Error{Code: code, About: about, Detail: fmt.Sprintf(format, args...)}
}
