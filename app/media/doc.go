// Package media captures from cameras and microphones and prepares what
// the call engine sends: it lists devices by stable names, opens them with
// the user's size and frame-rate settings (falling back to the nearest the
// device offers, and saying so), hands out tracks that a PeerConnection
// can send (call.Track), a raw preview of the camera, a microphone level,
// and the codecs: Parley's realtime VP8 and Opus.
//
// The camera is Parley's own from the driver on: one capture goroutine
// converts each frame to packed I420 once (convert.go: MJPEG with
// libjpeg-turbo, the raw layouts with libyuv) and fans it out, with its
// capture time, to the previews and to each binding's VP8 encoder, which
// encodes on that goroutine and packetizes itself (videotrack.go), so its
// RTP timestamps are capture times, never the time the encoder finished. The microphone track is
// mediadevices' own, whose timestamps already count samples (960 per
// 20 ms Opus packet).
//
// Devices come from pion/mediadevices' driver manager: the platform camera
// driver (on Linux Parley's own, package v4l2, which hands frames over
// undecoded; AVFoundation and DirectShow through mediadevices, which
// convert their frames themselves), Parley's own microphone driver
// (package mic, which cannot crash the process when there is no sound
// hardware), and, with --fake-media or --fake-webcam, the test devices of
// package testmedia.
package media
