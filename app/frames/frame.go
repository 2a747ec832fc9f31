// Package frames carries pictures between the parts of the engine: capture
// and decoding produce them; the desktop view bridge, the headless peer's
// statistics and the tests consume them. It is the one frame type the engine
// shares, so that a producer never needs to know who draws.
package frames

import "time"

// Stream names which pane a frame belongs to.
type Stream uint8

// Streams a sink receives. The numbers go on the wire of the view bridge.
const (
	Remote Stream = 1 // decoded from the peer
	Local  Stream = 2 // the camera preview, before encoding
)

func (s Stream) String() string {
	switch s {
	case Remote:
		return "remote"
	case Local:
		return "local"
	}
	return "unknown"
}

// Frame is one picture in planar I420 (Y, then U and V at half resolution in
// both directions). Planes are tightly packed: Y has Width bytes a row, U and
// V have (Width+1)/2. A Frame handed to a Sink is read-only and may be reused
// by its producer once WriteFrame returns, so a sink that keeps it must copy.
type Frame struct {
	Width, Height int
	Y, U, V       []byte
	// Captured is when the camera produced the picture (sender clock) if
	// known, else when it was decoded.
	Captured time.Time
}

// ChromaSize returns the width and height of the U and V planes.
func (f *Frame) ChromaSize() (int, int) {
	return (f.Width + 1) / 2, (f.Height + 1) / 2
}

// Whole reports whether f has a size and planes that hold the picture
// that size announces.
func (f *Frame) Whole() bool {
	if f.Width < 1 || f.Height < 1 {
		return false
	}
	cw, ch := f.ChromaSize()
	return len(f.Y) >= f.Width*f.Height && len(f.U) >= cw*ch && len(f.V) >= cw*ch
}

// Sink receives frames. WriteFrame must not block for long: producers call it
// on their media path, and a slow sink drops frames rather than delaying them.
type Sink interface {
	WriteFrame(s Stream, f *Frame)
}

// Source delivers pictures: a camera, to its previews and to the encoder of
// the call that sends it.
type Source interface {
	// Subscribe sends every picture to sink, until stop is called or the
	// source ends.
	Subscribe(sink Sink) (stop func())
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(s Stream, f *Frame)

// WriteFrame calls fn.
func (fn SinkFunc) WriteFrame(s Stream, f *Frame) { fn(s, f) }
