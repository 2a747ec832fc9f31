// Package testmedia provides Parley's test devices, registered only when
// the app runs with --fake-media: two test cameras that draw clearly
// different moving patterns and stamp every frame with a block code
// (package stamp) carrying the camera id, the frame's sequence number and
// its capture time, and a test microphone that plays a 440 Hz tone. They
// let tests and demos measure latency, loss, camera switches and audio on
// machines without hardware.
package testmedia
