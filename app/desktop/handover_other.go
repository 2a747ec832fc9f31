//go:build !linux

package desktop

// HandOver is Linux's early hand-over to a running window; elsewhere
// Wails' SingleInstanceLock does it alone.
func HandOver(string, []string) bool { return false }
