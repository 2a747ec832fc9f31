// Package threadprio raises the scheduling priority of the threads that
// carry a call's media, so that on a busy machine they are delayed less
// than the page and other programs. Chromium does the same on Linux: nice
// -10 for its real-time audio threads and -8 for the threads that put
// pictures on screen, where the system lets it.
//
// Go schedules goroutines, not threads, so a goroutine that raises its
// priority is locked to its thread for the rest of its life: the thread
// ends with the goroutine and the priority never passes to other work.
// Call a Raise function only at the start of a goroutine that does
// nothing else after its media loop.
package threadprio

// Nice values, as Chromium's for the same kinds of thread.
const (
	// Video is for capture, encoding, decoding and handing pictures on.
	Video = -8
	// Audio is for sound received and played.
	Audio = -10
)

// Raise locks the calling goroutine to its thread and gives the thread
// nice value nice, and reports whether it could. Where the system does not
// allow it (an unprivileged user with no RLIMIT_NICE headroom, or a system
// other than Linux) the goroutine is left unlocked at its priority, and
// nothing else changes: the call goes on as before.
func Raise(nice int) bool { return raise(nice) }
