//go:build !linux

package media

// cameraNodes has no cheap fingerprint outside Linux, so Watch never
// re-runs camera discovery there (see Watch).
func cameraNodes() string { return "" }
