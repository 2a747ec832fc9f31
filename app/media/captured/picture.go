// Package captured lets a camera driver say when it captured a picture. A
// driver hands mediadevices' video.Reader plain image.Image values with no
// time on them; the test cameras return a *Picture instead, whose time is
// the one they stamp into the pixels, and app/media's capture takes it off
// (Split) where a real camera's frame gets its arrival time. From there the
// time travels in frames.Frame.
package captured

import (
	"image"
	"time"
)

// Picture is an I420 picture and the moment its camera captured it. It is
// an image.Image (through the embedded *image.YCbCr), so it passes through
// mediadevices' driver interface unchanged. Converters that only accept
// *image.YCbCr (mediadevices' video.ToI420) must be given the embedded
// picture, or they copy it pixel by pixel.
type Picture struct {
	*image.YCbCr
	Captured time.Time
}

// Split returns img's pixels and capture time when img is a *Picture, and
// img itself with ok false otherwise.
func Split(img image.Image) (pic image.Image, at time.Time, ok bool) {
	if p, isPic := img.(*Picture); isPic && p != nil && p.YCbCr != nil {
		return p.YCbCr, p.Captured, true
	}
	return img, time.Time{}, false
}
