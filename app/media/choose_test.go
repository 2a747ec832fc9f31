package media

import (
	"strings"
	"testing"

	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/prop"
)

func vp(w, h int, fps float32, f frame.Format) prop.Media {
	return prop.Media{Video: prop.Video{Width: w, Height: h, FrameRate: fps, FrameFormat: f}}
}

// A typical USB webcam: YUYV up to 30 fps only at small sizes, MJPEG at
// 30 fps up to 1080p.
var webcam = []prop.Media{
	vp(640, 480, 30, frame.FormatYUYV),
	vp(1280, 720, 10, frame.FormatYUYV),
	vp(640, 480, 30, frame.FormatMJPEG),
	vp(1280, 720, 30, frame.FormatMJPEG),
	vp(1920, 1080, 30, frame.FormatMJPEG),
}

func TestChooseVideo(t *testing.T) {
	for _, c := range []struct {
		req      VideoRequest
		want     prop.Media
		fallback string // substring; "" = none
	}{
		// Raw preferred over MJPEG when both meet the request.
		{VideoRequest{Width: 640, Height: 480, FPS: 30}, webcam[0], ""},
		// 720p30 only exists as MJPEG: taken without complaint.
		{VideoRequest{Width: 1280, Height: 720, FPS: 30}, webcam[3], ""},
		// A preference for YUYV at 720p30 costs the frame rate less than
		// the size, so MJPEG 720p30 wins and the note says why.
		{VideoRequest{Width: 1280, Height: 720, FPS: 30, PixelFormat: "YUYV"}, webcam[3], "YUYV"},
		{VideoRequest{Width: 1920, Height: 1080, FPS: 60}, webcam[4], "60 fps"},
		{VideoRequest{Width: 3840, Height: 2160, FPS: 30}, webcam[4], "3840×2160"},
		{VideoRequest{Width: 1280, FPS: 30}, webcam[3], ""},
		{VideoRequest{}, webcam[3], ""},
	} {
		got, note, err := chooseVideo(c.req, webcam, "Cam")
		if err != nil {
			t.Fatalf("%+v: %v", c.req, err)
		}
		if got != c.want {
			t.Errorf("%+v: chose %v, want %v", c.req, got, c.want)
		}
		if (c.fallback == "") != (note == "") || !strings.Contains(note, c.fallback) {
			t.Errorf("%+v: note %q, want one mentioning %q", c.req, note, c.fallback)
		}
	}
	// A driver that does not report frame rates is asked for none.
	got, note, err := chooseVideo(VideoRequest{Width: 640, Height: 480, FPS: 24}, []prop.Media{vp(640, 480, 0, frame.FormatI420)}, "Cam")
	if err != nil || got.FrameRate != 0 || note != "" {
		t.Errorf("unknown rate: %v %q %v", got, note, err)
	}
	_, note, _ = chooseVideo(VideoRequest{Width: 800, Height: 600}, []prop.Media{vp(640, 480, 0, frame.FormatI420)}, "Cam")
	if note != "Cam does not offer 800×600; using 640×480 instead." {
		t.Errorf("unknown rate, other size: note %q", note)
	}
	if _, _, err := chooseVideo(VideoRequest{}, nil, "Cam"); err == nil {
		t.Error("no formats: no error")
	}
}

func TestChooseAudio(t *testing.T) {
	ap := func(rate, ch int) prop.Media {
		return prop.Media{Audio: prop.Audio{SampleRate: rate, ChannelCount: ch}}
	}
	got, ok := chooseAudio([]prop.Media{ap(44100, 1), ap(48000, 2), ap(48000, 1)})
	if !ok || got.SampleRate != 48000 || got.ChannelCount != 1 || got.Latency == 0 {
		t.Errorf("chose %+v", got)
	}
	if _, ok := chooseAudio([]prop.Media{ap(44100, 1)}); ok {
		t.Error("chose a 44.1 kHz format")
	}
}
