package vp8

// bitrateSteps maps picture area to a starting bitrate at 30 fps: enough
// for libvpx to keep full resolution and a clean picture from the first
// second, before congestion control has measured the path.
var bitrateSteps = []struct{ pixels, bps int }{
	{320 * 240, 300_000},
	{640 * 480, 800_000},
	{1280 * 720, 1_700_000},
	{1920 * 1080, 2_500_000},
}

// BitrateFor returns the starting bitrate in bits per second for a picture
// size and frame rate (0 fps counts as 30): interpolated by area between
// 300 kbps at 320×240, 800 kbps at 640×480, 1.7 Mbps at 1280×720 and
// 2.5 Mbps at 1920×1080, clamped at both ends, and scaled down for frame
// rates below 30 (to no less than half).
func BitrateFor(width, height int, fps float32) int {
	px := width * height
	bps := bitrateSteps[len(bitrateSteps)-1].bps
	if px <= bitrateSteps[0].pixels {
		bps = bitrateSteps[0].bps
	} else {
		for i := 1; i < len(bitrateSteps); i++ {
			lo, hi := bitrateSteps[i-1], bitrateSteps[i]
			if px <= hi.pixels {
				bps = lo.bps + (hi.bps-lo.bps)*(px-lo.pixels)/(hi.pixels-lo.pixels)
				break
			}
		}
	}
	if fps > 0 && fps < 30 {
		bps = int(float32(bps) * max(fps/30, 0.5))
	}
	return bps
}
