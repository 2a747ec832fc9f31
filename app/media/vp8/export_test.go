package vp8

import (
	"image"
	"time"
)

// EncodeAt lets the external tests drive the encoder with simulated
// capture times (package vp8_test, because testmedia imports media, which
// imports vp8).
func (e *Encoder) EncodeAt(img *image.YCbCr, t time.Time) ([]byte, bool, error) {
	return e.encode(img, t)
}

// ThreadsFor exposes threadsFor to the external tests.
var ThreadsFor = threadsFor
