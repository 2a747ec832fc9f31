//go:build webrtc03

package main

// #cgo pkg-config: webrtc-audio-processing
// #cgo CXXFLAGS: -std=c++11
// #include "webrtc03.h"
import "C"

import (
	"fmt"
	"unsafe"
)

func init() { engines["webrtc03"] = newWebrtc03 }

// webrtc03 is Debian 12's WebRTC AudioProcessing 0.3: the old AEC
// (extended filter, delay-agnostic, high suppression) and the high-pass
// filter, with -ns its noise suppressor (high), with -agc AGC1 (adaptive
// digital). See webrtc03.cc.
type webrtc03 struct {
	w       *C.w03
	delayMs int
}

func newWebrtc03(o options) (engine, error) {
	var code C.int
	w := C.w03_new(cbool(o.ns), cbool(o.agc), &code)
	if w == nil {
		return nil, fmt.Errorf("AudioProcessing: error %d", int(code))
	}
	return &webrtc03{w: w, delayMs: o.delayMs}, nil
}

func (e *webrtc03) render(far []float32) error {
	return check(C.w03_render(e.w, (*C.float)(unsafe.Pointer(&far[0]))))
}

func (e *webrtc03) capture(mic []float32) error {
	return check(C.w03_capture(e.w, (*C.float)(unsafe.Pointer(&mic[0])), C.int(e.delayMs)))
}

func (e *webrtc03) close() { C.w03_free(e.w) }

func check(code C.int) error {
	if code != 0 {
		return fmt.Errorf("AudioProcessing: error %d", int(code))
	}
	return nil
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
