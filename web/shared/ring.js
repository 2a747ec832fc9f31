// @ts-check
/**
 * The incoming-call ring, one pattern for both pages. The window rings
 * from Go (app/audio/ring.go, on the chosen speaker and into the echo
 * canceller's reference); the browser client synthesises it with Web Audio
 * (signaling/web/static/js/ringer.js). A Go test holds app/audio's
 * constants to these.
 *
 * The sound is the North American ringback: two tones that beat into the
 * warble people know as "someone is calling", in bursts with long pauses so
 * that it does not wear anyone down.
 */
export const RING = Object.freeze({
  /** The two tones, in Hz. */
  lowHz: 440,
  highHz: 480,
  /** How long a burst sounds. */
  onMs: 2000,
  /** A burst and the pause after it. */
  cycleMs: 6000,
  /** Each tone's amplitude: where they add up the ring peaks at twice this. */
  gain: 0.15,
  /** Each burst fades in and out over this: a tone that starts or stops at full level clicks. */
  rampMs: 50,
});
