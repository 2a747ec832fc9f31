package backend

import "github.com/parleyhq/parley/signaling/protocol"

// Emitter delivers an event to the frontend. Wails' runtime.EventsEmit is
// one; tests record. Emit must not block for long: it is called from the
// App's event goroutine.
type Emitter interface {
	Emit(name string, payload any)
}

// EmitterFunc adapts a function to an Emitter.
type EmitterFunc func(name string, payload any)

// Emit calls fn.
func (fn EmitterFunc) Emit(name string, payload any) { fn(name, payload) }

// Event names the adapter adds to the engine's own (which keep their Kind()
// names).
const (
	EventSignaling       = "signaling"
	EventDevices         = "devices"
	EventLevel           = "level"
	EventSettingsWarning = "settings-warning"
	EventMenu            = "menu"
)

// SignalingEvent is the "signaling" event's payload: the link's status
// and the server it is for.
type SignalingEvent struct {
	Status protocol.LinkStatus `json:"status"`
	Server string              `json:"server"`
}
