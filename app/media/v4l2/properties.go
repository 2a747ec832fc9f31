//go:build linux

package v4l2

import (
	"math"

	"github.com/blackjack/webcam"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/prop"
)

// formats are the pixel formats the driver streams, in the order
// Properties lists them, with mediadevices' name of each. Any other
// format a device offers (H.264, depth, vendor formats) is left out.
var formats = []struct {
	fourcc webcam.PixelFormat
	format frame.Format
}{
	{MJPEG, frame.FormatMJPEG},
	{YUYV, frame.FormatYUYV},
	{UYVY, frame.FormatUYVY},
	{NV12, frame.FormatNV12},
	{NV21, frame.FormatNV21},
	{YUV420, frame.FormatI420},
}

func formatOf(f webcam.PixelFormat) (frame.Format, bool) {
	for _, e := range formats {
		if e.fourcc == f {
			return e.format, true
		}
	}
	return "", false
}

func fourccOf(f frame.Format) (webcam.PixelFormat, bool) {
	for _, e := range formats {
		if e.format == f {
			return e.fourcc, true
		}
	}
	return 0, false
}

func fourccString(f webcam.PixelFormat) string {
	return string([]byte{byte(f), byte(f >> 8), byte(f >> 16), byte(f >> 24)})
}

// hasOurFormat says whether dev streams any format the driver reads. A
// UVC camera's metadata node opens like its capture node but has none.
func hasOurFormat(dev Device) bool {
	offered := dev.GetSupportedFormats()
	for _, e := range formats {
		if _, ok := offered[e.fourcc]; ok {
			return true
		}
	}
	return false
}

// commonSizes are the sizes a camera with a stepwise size range is offered
// at (the same list as mediadevices'): a range allows thousands.
var commonSizes = [][2]int{
	{320, 240}, {640, 480}, {768, 576}, {800, 600}, {1024, 768},
	{1280, 854}, {1280, 960}, {1280, 1024}, {1400, 1050}, {1600, 1200},
	{2048, 1536}, {320, 200}, {800, 480}, {854, 480}, {1024, 600},
	{1152, 768}, {1280, 720}, {1280, 768}, {1366, 768}, {1280, 800},
	{1440, 900}, {1440, 960}, {1680, 1050}, {1920, 1080}, {2048, 1080},
	{1920, 1200}, {2560, 1600},
}

// Properties implements driver.Adapter: every mode of the formats the
// driver reads, as mediadevices' camera lists them. A discrete size comes
// with each of its frame rates; a stepwise size range is offered at the
// common sizes it contains. A size without rates is listed with rate 0.
// A closed camera has none.
func (c *Camera) Properties() []prop.Media {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dev == nil {
		return nil
	}
	return properties(c.dev)
}

func properties(dev Device) []prop.Media {
	offered := dev.GetSupportedFormats()
	var out []prop.Media
	for _, e := range formats {
		if _, ok := offered[e.fourcc]; !ok {
			continue
		}
		for _, fs := range dev.GetSupportedFrameSizes(e.fourcc) {
			for _, size := range sizesIn(fs) {
				w, h := size[0], size[1]
				rates := ratesOf(dev.GetSupportedFramerates(e.fourcc, uint32(w), uint32(h)))
				if len(rates) == 0 {
					rates = []float32{0}
				}
				for _, fps := range rates {
					out = append(out, prop.Media{Video: prop.Video{Width: w, Height: h, FrameFormat: e.format, FrameRate: fps}})
				}
			}
		}
	}
	return out
}

// sizesIn is a discrete size itself, and the common sizes a stepwise
// range contains.
func sizesIn(fs webcam.FrameSize) [][2]int {
	if fs.StepWidth == 0 || fs.StepHeight == 0 {
		return [][2]int{{int(fs.MaxWidth), int(fs.MaxHeight)}}
	}
	var out [][2]int
	for _, s := range commonSizes {
		w, h := uint32(s[0]), uint32(s[1])
		if w < fs.MinWidth || w > fs.MaxWidth || h < fs.MinHeight || h > fs.MaxHeight {
			continue
		}
		if (w-fs.MinWidth)%fs.StepWidth != 0 || (h-fs.MinHeight)%fs.StepHeight != 0 {
			continue
		}
		out = append(out, s)
	}
	return out
}

// maxStepRates bounds the rates one stepwise interval range yields. A UVC
// camera with a continuous interval states it in 100 ns units, which
// enumerated step by step would be millions of modes; such a range is
// offered at the common rates it contains instead.
const maxStepRates = 64

var commonRates = []float32{60, 50, 30, 25, 24, 20, 15, 10, 7.5, 5}

// ratesOf turns frame intervals (seconds per frame, as fractions) into
// frame rates, each distinct rate once, in the order found.
func ratesOf(intervals []webcam.FrameRate) []float32 {
	var out []float32
	add := func(fps float32) {
		for _, r := range out {
			if r == fps {
				return
			}
		}
		out = append(out, fps)
	}
	for _, fr := range intervals {
		if fr.StepNumerator == 0 && fr.StepDenominator == 0 {
			if fps, ok := rate(fr.MaxNumerator, fr.MaxDenominator); ok {
				add(fps)
			}
			continue
		}
		nums := steps(fr.MinNumerator, fr.MaxNumerator, fr.StepNumerator)
		dens := steps(fr.MinDenominator, fr.MaxDenominator, fr.StepDenominator)
		if nums*dens > maxStepRates {
			fast, fastOK := rate(fr.MinNumerator, fr.MinDenominator)
			slow, slowOK := rate(fr.MaxNumerator, fr.MaxDenominator)
			if !fastOK || !slowOK {
				continue
			}
			for _, fps := range commonRates {
				if fps >= min(fast, slow) && fps <= max(fast, slow) {
					add(fps)
				}
			}
			continue
		}
		for i := range nums {
			for j := range dens {
				n := fr.MinNumerator + uint32(i)*fr.StepNumerator
				d := fr.MinDenominator + uint32(j)*fr.StepDenominator
				if fps, ok := rate(n, d); ok {
					add(fps)
				}
			}
		}
	}
	return out
}

// steps counts the values from lo to hi by step (one when step is 0).
func steps(lo, hi, step uint32) int {
	if hi < lo {
		return 0
	}
	if step == 0 {
		return 1
	}
	return int((hi-lo)/step) + 1
}

// rate is the frame rate of an interval of num/den seconds, rounded to
// three decimals so that 1/30 and 1000/30000 give the same 30.
func rate(num, den uint32) (float32, bool) {
	if num == 0 || den == 0 {
		return 0, false
	}
	return float32(math.Round(1000*float64(den)/float64(num)) / 1000), true
}
