package testmedia

import (
	"fmt"
	"image"
	"time"

	"github.com/parleyhq/parley/app/media/stamp"
)

// Generator draws a test camera's frames without a driver, for tests and
// benchmarks that need realistic, stamped pictures at their own pace.
type Generator struct {
	camera uint8
	r      *renderer
}

// NewGenerator returns the generator of test camera CameraAID or CameraBID
// at the given size. The frame must be wide and tall enough for the stamp.
func NewGenerator(camera uint8, width, height int) (*Generator, error) {
	var p pattern
	switch camera {
	case CameraAID:
		p = patternA
	case CameraBID:
		p = patternB
	default:
		return nil, fmt.Errorf("testmedia: no test camera with id %d", camera)
	}
	if width < stamp.MinWidth || height < stamp.Height(width) {
		return nil, fmt.Errorf("%w: %dx%d", errTooSmall, width, height)
	}
	return &Generator{camera: camera, r: newRenderer(p, width, height)}, nil
}

// Frame returns frame seq, stamped with the camera id, seq and at, as a
// new I420 picture.
func (g *Generator) Frame(seq uint32, at time.Time) *image.YCbCr {
	img := g.r.render(seq)
	// The size was checked in NewGenerator, so Encode cannot fail.
	_ = stamp.Encode(img.Y, g.r.w, g.r.h, img.YStride, stamp.Code{Camera: g.camera, Seq: seq, CapturedMS: at.UnixMilli()})
	return img
}
