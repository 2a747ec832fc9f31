package backend

import (
	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/signaling/protocol"
)

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

// PageEvents names every event the page receives: the engine's (by their
// Kind) but its signaling-status, which the "signaling" event carries with
// the server, and the App's own. frontend/js/backend.js's Events is held to
// it by a test in app/desktop.
func PageEvents() []string {
	var names []string
	for _, ev := range engine.Events {
		if _, ok := ev.(engine.SignalingChanged); !ok {
			names = append(names, ev.Kind())
		}
	}
	return append(names, EventSignaling, EventDevices, EventLevel, EventSettingsWarning, EventMenu, EventServer)
}

// SignalingEvent is the "signaling" event's payload: the link's status
// and the server it is for.
type SignalingEvent struct {
	Status protocol.LinkStatus `json:"status"`
	Server string              `json:"server"`
}
