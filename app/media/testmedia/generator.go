package testmedia

import (
	"fmt"
	"image"
	"sync"
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
	return &Generator{camera: camera, r: cachedRenderer(camera, p, width, height)}, nil
}

// renderers caches the precomputed textures (read-only once built), so
// reopening or switching cameras does not redo a few hundred milliseconds
// of trigonometry at 1080p.
var renderers struct {
	sync.Mutex
	m map[[3]int]*renderer
}

func cachedRenderer(camera uint8, p pattern, w, h int) *renderer {
	renderers.Lock()
	defer renderers.Unlock()
	key := [3]int{int(camera), w, h}
	if r, ok := renderers.m[key]; ok {
		return r
	}
	if renderers.m == nil {
		renderers.m = map[[3]int]*renderer{}
	}
	r := newRenderer(p, w, h)
	renderers.m[key] = r
	return r
}

// Frame returns frame seq, stamped with the camera id, seq and at, as a
// new I420 picture.
func (g *Generator) Frame(seq uint32, at time.Time) *image.YCbCr {
	img := g.r.blank()
	g.frameInto(img, seq, at)
	return img
}

// frameInto draws frame seq, stamped, over img, a picture of the
// generator's size from renderer.blank.
func (g *Generator) frameInto(img *image.YCbCr, seq uint32, at time.Time) {
	g.r.renderInto(img, seq)
	// The size was checked in NewGenerator, so Encode cannot fail.
	_ = stamp.Encode(img.Y, g.r.w, g.r.h, img.YStride, stamp.Code{Camera: g.camera, Seq: seq, CapturedMS: at.UnixMilli()})
}
