//go:build !linux

package testmedia

import "errors"

// RegisterWebcams is Linux only: the webcam-like cameras are V4L2
// devices.
func RegisterWebcams() error {
	return errors.New("testmedia: the webcam-like test cameras need Linux (V4L2)")
}
