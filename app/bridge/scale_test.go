package bridge

import "testing"

func TestSendSize(t *testing.T) {
	for _, c := range []struct {
		w, h, dw, dh int
		tw, th       int
	}{
		{1280, 720, 1280, 720, 1280, 720},
		{1280, 720, 1920, 1080, 1280, 720}, // a pane larger than the frame
		{1280, 720, 976, 549, 976, 549},    // a 720p call in the main pane of a 1280×800 window
		{1920, 1080, 976, 549, 976, 549},   // a 1080p one
		{1280, 720, 889, 500, 889, 500},    // a short pane: the height limits
		{1280, 720, 282, 159, 282, 159},    // the corner preview
		{1280, 720, 640, 360, 640, 360},
		{1280, 720, 1300, 500, 1280, 720}, // wider than the frame: the page scales
		{1280, 720, 1, 1, 40, 23},         // never below a maxShrink-th
		{320, 180, 1, 1, 16, 16},          // nor below minScaledSide
		{12, 12, 1, 1, 12, 12},            // nor above the frame
		{641, 363, 300, 170, 300, 170},
	} {
		tw, th := sendSize(c.w, c.h, c.dw, c.dh)
		if tw != c.tw || th != c.th {
			t.Errorf("sendSize(%d, %d, %d, %d) = %d×%d, want %d×%d", c.w, c.h, c.dw, c.dh, tw, th, c.tw, c.th)
		}
	}
}
