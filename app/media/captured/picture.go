// Package captured carries a video frame's capture time along with its
// pixels. pion/mediadevices passes pictures from the camera through its
// broadcaster to the encoder as plain image.Image values and puts no time
// on them, so without this the only clock left at the packetizer is the
// moment the encoder finished, and every variation in encode time becomes
// jitter in the RTP timestamps (see app/media's videoSender).
package captured

import (
	"image"
	"time"
)

// Picture is an I420 picture and the moment its camera captured it. It is
// an image.Image (through the embedded *image.YCbCr), so it passes through
// mediadevices unchanged; readers that know it take Captured, others see a
// picture. Converters that only accept *image.YCbCr (mediadevices'
// video.ToI420) must be given the embedded picture, or they copy it pixel
// by pixel.
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
