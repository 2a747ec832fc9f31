package testmedia

import "image"

// render returns frame n, unstamped, as a new I420 picture: the source a
// test compares a camera's delivered frames with.
func (r *renderer) render(n uint32) *image.YCbCr {
	img := r.blank()
	r.renderInto(img, n)
	return img
}
