//go:build !linux

package threadprio

func raise(int) bool { return false }
