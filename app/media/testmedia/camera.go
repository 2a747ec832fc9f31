package testmedia

import (
	"errors"
	"image"
	"io"
	"time"

	"github.com/parleyhq/parley/app/media/captured"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

// Sizes and rates the test cameras offer. Any other size works too when
// asked for directly; these are what the settings menu lists.
var (
	sizes = [][2]int{{320, 240}, {640, 480}, {1280, 720}, {1920, 1080}}
	rates = []float32{30, 15}
)

// ClockSkew is how much slower than its nominal rate a test camera runs:
// 1/480, so 29.94 fps for 30. A real camera keeps time by its own crystal,
// so its frames drift against every display's refresh. A test camera timed
// by this machine's clock at exactly 30 fps would not: Chromium paints on a
// 60 Hz frame clock that every Chromium process on a machine aligns to the
// same CLOCK_MONOTONIC grid, so each frame would wait the same 0–16.7 ms
// for a Chromium receiver's next paint for a whole call, and a benchmark
// would measure that phase rather than Parley (Measured:
// docs/benchmarks.md, "Figures behind the code", Test camera clock). At
// 1/480 the phase sweeps one 60 Hz period every 8 s, as a camera's clock
// would in a few minutes. bench/web/probe.mjs runs its Chromium camera
// with the same skew.
const ClockSkew = 1.0 / 480

// camera is a mediadevices driver adapter that renders a pattern.
type camera struct {
	id uint8

	opening
}

func newCamera(id uint8) *camera { return &camera{id: id} }

// Properties implements driver.Adapter.
func (c *camera) Properties() []prop.Media {
	var out []prop.Media
	for _, s := range sizes {
		for _, r := range rates {
			out = append(out, prop.Media{Video: prop.Video{Width: s[0], Height: s[1], FrameRate: r, FrameFormat: frame.FormatI420}})
		}
	}
	return out
}

// VideoRecord implements driver.VideoRecorder only so that mediadevices'
// manager lists the camera as one; its frames are read with RecordRaw.
func (c *camera) VideoRecord(prop.Media) (video.Reader, error) {
	return nil, errors.New("testmedia: the test cameras are read with RecordRaw")
}

// RecordRaw implements captured.Recorder: I420 frames of the requested
// size, paced at the requested rate less ClockSkew, each stamped with
// this camera's id, a sequence number from 0 and the capture time, which
// the frame also carries as Captured (so the RTP timestamps of what is
// sent and the stamps in the pictures come from one clock reading). A
// frame's bytes are reused by the next.
func (c *camera) RecordRaw(p prop.Media) (captured.Reader, error) {
	ctx, err := c.opened()
	if err != nil {
		return nil, err
	}
	w, h := p.Width, p.Height
	if w <= 0 || h <= 0 {
		w, h = 640, 480
	}
	g, err := NewGenerator(c.id, w, h)
	if err != nil {
		return nil, err
	}
	fps := p.FrameRate
	if fps <= 0 {
		fps = 30
	}
	// Keep the rate; a frame late by any amount restarts the pace.
	return &patternReader{
		g:    g,
		img:  g.r.blank(),
		pace: newPacer(ctx, time.Duration(float64(time.Second)/float64(fps)*(1+ClockSkew)), 0),
	}, nil
}

// patternReader renders a test camera's frames into one packed I420
// picture.
type patternReader struct {
	g    *Generator
	img  *image.YCbCr // packed: Y, Cb and Cr follow each other in one array
	pace *pacer
	seq  uint32
}

// Read implements captured.Reader.
func (r *patternReader) Read() (captured.Raw, error) {
	now, ok := r.pace.wait()
	if !ok {
		return captured.Raw{}, io.EOF
	}
	r.g.frameInto(r.img, r.seq, now)
	r.seq++
	w, h := r.g.r.w, r.g.r.h
	return captured.Raw{Format: frame.FormatI420, Width: w, Height: h, Data: r.img.Y[:len(r.img.Y)+len(r.img.Cb)+len(r.img.Cr)], Captured: now}, nil
}
