package media

import (
	"fmt"
	"math"

	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/prop"
)

// Defaults for a request that leaves size or rate open.
const (
	DefaultWidth  = 1280
	DefaultHeight = 720
	DefaultFPS    = 30
)

// chooseVideo picks the capture mode nearest to the request and, when it
// is not what was asked for, a sentence saying what was used instead.
//
// Distance adds the relative size error in each direction, half the
// relative frame-rate error, 0.05 for a pixel format other than the
// preferred one, and 0.01 for MJPEG when there is no preference (its
// decoding costs CPU for nothing when raw formats exist).
func chooseVideo(req VideoRequest, props []prop.Media, camera string) (prop.Media, string, error) {
	w, h, fps := req.Width, req.Height, req.FPS
	if w <= 0 && h <= 0 {
		w, h = DefaultWidth, DefaultHeight
	}
	if fps <= 0 {
		fps = DefaultFPS
	}
	best, bestDist := -1, math.Inf(1)
	for i, p := range props {
		if p.Width <= 0 || p.Height <= 0 {
			continue
		}
		d := 0.0
		if w > 0 {
			d += math.Abs(float64(p.Width-w)) / float64(w)
		}
		if h > 0 {
			d += math.Abs(float64(p.Height-h)) / float64(h)
		}
		if p.FrameRate > 0 {
			d += 0.5 * math.Abs(float64(p.FrameRate)-fps) / fps
		}
		switch {
		case req.PixelFormat != "" && string(p.FrameFormat) != req.PixelFormat:
			d += 0.05
		case req.PixelFormat == "" && p.FrameFormat == frame.FormatMJPEG:
			d += 0.01
		}
		if d < bestDist {
			best, bestDist = i, d
		}
	}
	if best < 0 {
		return prop.Media{}, "", fmt.Errorf("no usable video formats")
	}
	p := props[best]
	var note string
	sizeOK := (w <= 0 || p.Width == w) && (h <= 0 || p.Height == h)
	// A driver that does not report rates is asked for none (FPS 0): it
	// keeps the device's own rate rather than fail on one it lacks.
	fpsOK := p.FrameRate <= 0 || math.Abs(float64(p.FrameRate)-fps) < 0.5
	switch {
	case !sizeOK && p.FrameRate <= 0:
		note = fmt.Sprintf("%s does not offer %s; using %d×%d instead.",
			camera, sizeText(w, h), p.Width, p.Height)
	case !sizeOK || !fpsOK:
		note = fmt.Sprintf("%s does not offer %s at %g fps; using %d×%d at %g fps instead.",
			camera, sizeText(w, h), fps, p.Width, p.Height, p.FrameRate)
	}
	if req.PixelFormat != "" && string(p.FrameFormat) != req.PixelFormat {
		if note != "" {
			note += " "
		}
		note += fmt.Sprintf("Pixel format %s is not available at this size; using %s.", req.PixelFormat, p.FrameFormat)
	}
	return p, note, nil
}

func sizeText(w, h int) string {
	switch {
	case w > 0 && h > 0:
		return fmt.Sprintf("%d×%d", w, h)
	case w > 0:
		return fmt.Sprintf("width %d", w)
	}
	return fmt.Sprintf("height %d", h)
}
