//go:build race

package audioscore

// raceEnabled lets the largest test shrink under the race detector, which
// slows its single-goroutine arithmetic tenfold and has nothing to find in
// it.
const raceEnabled = true
