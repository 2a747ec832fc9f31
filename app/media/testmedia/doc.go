// Package testmedia provides Parley's test devices, registered only when
// the app runs with --fake-media or --fake-webcam: two test cameras that
// draw clearly different moving patterns and stamp every frame with a
// block code (package stamp) carrying the camera id, the frame's sequence
// number and its capture time, and a test microphone that plays a 440 Hz
// tone. They let tests and demos measure latency, loss, camera switches
// and audio on machines without hardware.
//
// With --fake-media the cameras hand over ready I420. With --fake-webcam
// they are webcam-like instead (webcam_linux.go): V4L2 devices, read by
// Parley's V4L2 driver, that offer a USB webcam's modes and send real
// MJPEG and YUYV, so that what a real webcam costs shows in the tests and
// benchmarks.
package testmedia
