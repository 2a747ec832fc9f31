package bridge

// minScaledSide keeps a scaled frame from becoming too small to be useful,
// whatever the page asks for.
const minScaledSide = 16

// maxShrink is the most sendSize divides a side by. Beyond it libyuv's box
// filter loses levels to its fixed-point sums (a flat picture lost eleven
// at 75:1, one or two up to 32:1), and no pane shows a picture that small:
// the corner preview is at least 120 pixels wide. The page scales the rest.
const maxShrink = 32

// sendSize returns the size to send a w×h frame at to a page that shows it
// at dw×dh device pixels: exactly the shown size (the frame's aspect kept,
// never below minScaledSide nor a maxShrink-th of the frame), or the
// frame's own size when the page shows it at least that large.
//
// Why exactly: a web view without a GPU runs the page's shader on the CPU
// (llvmpipe), and a texture the size of the canvas can be sampled with
// NEAREST instead of LINEAR filtering: that alone takes a good part of the
// WebKit process's CPU off, the page receives fewer bytes, and scaling
// (yuv.Scale) costs the bridge little. Measured: docs/benchmarks.md,
// "Figures behind the code" (Bridge scaling).
func sendSize(w, h, dw, dh int) (int, int) {
	if dw >= w || dh >= h {
		return w, h
	}
	tw, th := dw, (dw*h+w/2)/w
	if th > dh {
		th, tw = dh, min(dw, (dh*w+h/2)/h)
	}
	return max(tw, floor(w)), max(th, floor(h))
}

// floor is the smallest side sendSize scales a side of n pixels to.
func floor(n int) int {
	return max(min(n, minScaledSide), (n+maxShrink-1)/maxShrink)
}
