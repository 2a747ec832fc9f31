package bridge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"github.com/parleyhq/parley/app/frames"
)

// MaxViewMessage bounds a view message; a real one is about 30 bytes.
const MaxViewMessage = 256

// View is the one message a page sends: the size, in device pixels, at
// which its largest pane of a stream shows the picture (after fitting it to
// the pane), or 0×0 when no pane shows the stream, which stops the stream
// for that page. A page that never sends one gets every stream at full
// size. The page knows the picture's aspect ratio from the frames it
// receives (scaling keeps the aspect), so the size it asks for does not depend
// on the size it is sent.
//
//	{"stream":2,"width":282,"height":159}
type View struct {
	Stream frames.Stream `json:"stream"`
	Width  int           `json:"width"`
	Height int           `json:"height"`
}

// ViewError is the typed error ParseView returns; the bridge closes the
// connection with it as the reason, because only a broken page sends one.
type ViewError struct{ Detail string }

func (e *ViewError) Error() string { return "bridge: bad view message: " + e.Detail }

// ParseView parses and checks a view message.
func ParseView(msg []byte) (View, error) {
	if len(msg) > MaxViewMessage {
		return View{}, &ViewError{fmt.Sprintf("%d bytes, limit %d", len(msg), MaxViewMessage)}
	}
	var raw struct {
		Stream *int `json:"stream"`
		Width  *int `json:"width"`
		Height *int `json:"height"`
	}
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return View{}, &ViewError{err.Error()}
	}
	if dec.More() {
		return View{}, &ViewError{"trailing data"}
	}
	if raw.Stream == nil || raw.Width == nil || raw.Height == nil {
		return View{}, &ViewError{"stream, width and height are required"}
	}
	s := frames.Stream(*raw.Stream)
	if *raw.Stream < 0 || *raw.Stream > math.MaxUint8 || !validStream(s) {
		return View{}, &ViewError{fmt.Sprintf("unknown stream %d", *raw.Stream)}
	}
	w, h := *raw.Width, *raw.Height
	if w < 0 || h < 0 || w > MaxDimension || h > MaxDimension || (w == 0) != (h == 0) {
		return View{}, &ViewError{fmt.Sprintf("size %dx%d", w, h)}
	}
	return View{Stream: s, Width: w, Height: h}, nil
}
