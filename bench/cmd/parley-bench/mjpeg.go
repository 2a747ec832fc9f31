package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/media/v4l2"
)

// writeMJPEG writes n frames of webcam-like camera CameraBID at w×h as one
// .mjpeg file for Chromium's fake capture
// (--use-file-for-fake-video-capture). Chromium's MjpegFileParser
// (media/capture/video/file_video_capture_device.cc) takes the file as
// JPEG pictures back to back, parses each with its own JPEG parser, plays
// them at a fixed 30 fps whatever the file holds, and starts again at the
// first picture at the end of the file. The frames carry Huffman tables
// (camera B sends them, as many webcams do), so nothing depends on how a
// parser fills in missing ones. Their stamps are taken at generation time
// and repeat with the loop: latency from them is meaningless, but a
// receiver that decodes camera B's stamp is looking at this file.
func writeMJPEG(path string, w, h, n int) error {
	var buf bytes.Buffer
	at := time.Now()
	for seq := range n {
		f, err := testmedia.WebcamFrame(testmedia.CameraBID, v4l2.MJPEG, w, h, uint32(seq), true, at.Add(time.Duration(seq)*time.Second/30))
		if err != nil {
			return err
		}
		if err := checkJPEG(f); err != nil {
			return fmt.Errorf("frame %d: %w", seq, err)
		}
		buf.Write(f)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// checkJPEG checks what Chromium's parser needs to find one picture after
// another: it starts with SOI and ends with EOI, with nothing after it.
func checkJPEG(b []byte) error {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return errors.New("no JPEG start of image")
	}
	if b[len(b)-2] != 0xFF || b[len(b)-1] != 0xD9 {
		return errors.New("does not end with a JPEG end of image")
	}
	return nil
}
