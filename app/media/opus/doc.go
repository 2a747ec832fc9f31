// Package opus is libopus (Debian's libopus-dev) for the receive path and
// for an encoder that carries in-band FEC: a lost packet is rebuilt from
// the next packet's FEC, or concealed by libopus, never replaced by
// silence. pion/opus, which decoded before, has neither.
package opus
