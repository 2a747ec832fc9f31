// Package receive turns the RTP of a remote track into something a person
// can see or hear: VP8 into frames.Frame pictures, Opus into 48 kHz PCM for a
// speaker. The call engine starts one receiver per remote track from the
// PeerConnection's OnTrack and reads their statistics once a second.
//
// Both receivers run on the caller's goroutine (Run) and start none of
// their own; both end when their context is cancelled or the track closes.
package receive
