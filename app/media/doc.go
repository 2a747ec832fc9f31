// Package media captures from cameras and microphones and prepares what
// the call engine sends: it lists devices by stable names, opens them with
// the user's size and frame-rate settings (falling back to the nearest the
// device offers, and saying so), hands out mediadevices tracks that a
// PeerConnection can send, a raw preview of the camera, a microphone level,
// and a codec selector with Parley's realtime VP8 and Opus.
//
// The tracks encode with mediadevices' codec selector but packetize
// themselves (sender.go): their RTP timestamps come from the capture
// clocks, a video frame's capture time and the microphone's sample count,
// never from when the encoder finished.
//
// Devices come from pion/mediadevices' driver manager: the platform camera
// driver (v4l2, AVFoundation, DirectShow), Parley's own microphone driver
// (package mic, which cannot crash the process when there is no sound
// hardware), and, with --fake-media, the test devices of package
// testmedia.
package media
