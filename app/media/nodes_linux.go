package media

import (
	"path/filepath"
	"strings"
)

// cameraNodes fingerprints the v4l2 device nodes, so Watch re-runs camera
// discovery (which opens every device) only when one appears or goes.
func cameraNodes() string {
	nodes, _ := filepath.Glob("/dev/video*")
	return strings.Join(nodes, "\n")
}
