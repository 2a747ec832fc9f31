// @ts-check
/**
 * The ring of an incoming call, synthesised with Web Audio so there is no
 * sound file to ship. Browsers only let a page make sound after a user
 * gesture, so the AudioContext is created by unlock(), which the app calls
 * from the Join click.
 */

/** One ring: two short tones, then silence, repeating. */
const PATTERN_MS = 3000;

export class Ringer {
  constructor() {
    /** @type {AudioContext | null} */
    this.ctx = null;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
  }

  /** Creates the audio context inside a user gesture; later calls do nothing. */
  unlock() {
    if (this.ctx || typeof AudioContext === 'undefined') return;
    try {
      this.ctx = new AudioContext();
    } catch {
      this.ctx = null; // no audio output: calls still ring visually
    }
  }

  /** Starts ringing until stop(). */
  start() {
    if (this.timer !== undefined || !this.ctx) return;
    void this.ctx.resume().catch(() => {});
    this.ring();
    this.timer = setInterval(() => this.ring(), PATTERN_MS);
  }

  /** Whether a ring is audible: ringing, with a running audio context. */
  get audible() {
    return this.timer !== undefined && this.ctx?.state === 'running';
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  ring() {
    const ctx = this.ctx;
    if (!ctx || ctx.state !== 'running') return;
    for (const offset of [0, 0.45]) {
      const t = ctx.currentTime + offset;
      const gain = ctx.createGain();
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(0.15, t + 0.02);
      gain.gain.setValueAtTime(0.15, t + 0.3);
      gain.gain.linearRampToValueAtTime(0, t + 0.35);
      gain.connect(ctx.destination);
      for (const freq of [440, 480]) {
        const osc = ctx.createOscillator();
        osc.frequency.value = freq;
        osc.connect(gain);
        osc.start(t);
        osc.stop(t + 0.36);
      }
    }
  }
}
