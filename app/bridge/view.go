package bridge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"github.com/parleyhq/parley/app/frames"
)

// MaxPageMessage bounds a message from the page; a real one is about 30
// bytes.
const MaxPageMessage = 256

// View says at what size, in device pixels, the page's largest pane of a
// stream shows the picture (after fitting it to the pane), or 0×0 when no
// pane shows the stream, which stops the stream for that page. A page that
// never sends one gets every stream at full size. The page knows the
// picture's aspect ratio from the frames it receives (scaling keeps the
// aspect), so the size it asks for does not depend on the size it is sent.
//
//	{"stream":2,"width":282,"height":159}
type View struct {
	Stream frames.Stream `json:"stream"`
	Width  int           `json:"width"`
	Height int           `json:"height"`
}

// Formats lists what the page draws besides I420. Names the bridge does not
// know are ignored, so a newer page can offer more. A page that never sends
// one gets I420.
//
//	{"formats":["jpeg"]}
type Formats struct {
	JPEG bool // the page decodes JPEG: both streams are sent as FormatJPEG
}

// PageMessage is one text message from the page: exactly one of its fields
// is set.
type PageMessage struct {
	View    *View
	Formats *Formats
}

// PageMessageError is the typed error ParsePageMessage returns; the bridge
// closes the connection with it as the reason, because only a broken page
// sends one.
type PageMessageError struct{ Detail string }

func (e *PageMessageError) Error() string { return "bridge: bad page message: " + e.Detail }

// ParsePageMessage parses and checks a message from the page.
func ParsePageMessage(msg []byte) (PageMessage, error) {
	if len(msg) > MaxPageMessage {
		return PageMessage{}, &PageMessageError{fmt.Sprintf("%d bytes, limit %d", len(msg), MaxPageMessage)}
	}
	var raw struct {
		Stream  *int      `json:"stream"`
		Width   *int      `json:"width"`
		Height  *int      `json:"height"`
		Formats *[]string `json:"formats"`
	}
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return PageMessage{}, &PageMessageError{err.Error()}
	}
	if dec.More() {
		return PageMessage{}, &PageMessageError{"trailing data"}
	}
	if raw.Formats != nil {
		if raw.Stream != nil || raw.Width != nil || raw.Height != nil {
			return PageMessage{}, &PageMessageError{"formats and a view in one message"}
		}
		var f Formats
		for _, name := range *raw.Formats {
			f.JPEG = f.JPEG || name == "jpeg"
		}
		return PageMessage{Formats: &f}, nil
	}
	if raw.Stream == nil || raw.Width == nil || raw.Height == nil {
		return PageMessage{}, &PageMessageError{"a view needs stream, width and height"}
	}
	s := frames.Stream(*raw.Stream)
	if *raw.Stream < 0 || *raw.Stream > math.MaxUint8 || !validStream(s) {
		return PageMessage{}, &PageMessageError{fmt.Sprintf("unknown stream %d", *raw.Stream)}
	}
	w, h := *raw.Width, *raw.Height
	if w < 0 || h < 0 || w > MaxDimension || h > MaxDimension || (w == 0) != (h == 0) {
		return PageMessage{}, &PageMessageError{fmt.Sprintf("size %dx%d", w, h)}
	}
	return PageMessage{View: &View{Stream: s, Width: w, Height: h}}, nil
}
