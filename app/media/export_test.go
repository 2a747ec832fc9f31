package media

// SetMuted replaces the sent audio with silence (the track keeps flowing,
// so unmuting needs no renegotiation). Level still measures the
// microphone, so the UI can warn someone who talks while muted. Only the
// tests mute here: the engine mutes by taking the track off the sender.
func (a *Audio) SetMuted(m bool) { a.muted.Store(m) }

// Muted reports whether SetMuted(true) is in effect.
func (a *Audio) Muted() bool { return a.muted.Load() }
