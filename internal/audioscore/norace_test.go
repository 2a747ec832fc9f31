//go:build !race

package audioscore

const raceEnabled = false
