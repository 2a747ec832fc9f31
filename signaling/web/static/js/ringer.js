// @ts-check
/**
 * The ring of an incoming call, synthesised with Web Audio so there is no
 * sound file to ship. Browsers only let a page make sound after a user
 * gesture, so the AudioContext is created by unlock(), which the app calls
 * from the Join click. The pattern is the window's too (../shared/ring.js).
 */
import { RING } from '../shared/ring.js';

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
    this.timer = setInterval(() => this.ring(), RING.cycleMs);
  }

  /** Whether a ring is audible: ringing, with a running audio context. */
  get audible() {
    return this.timer !== undefined && this.ctx?.state === 'running';
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One burst; the pause after it is the rest of the cycle. */
  ring() {
    const ctx = this.ctx;
    if (!ctx || ctx.state !== 'running') return;
    const t = ctx.currentTime;
    const on = RING.onMs / 1000;
    const ramp = RING.rampMs / 1000;
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0, t);
    gain.gain.linearRampToValueAtTime(RING.gain, t + ramp);
    gain.gain.setValueAtTime(RING.gain, t + on - ramp);
    gain.gain.linearRampToValueAtTime(0, t + on);
    gain.connect(ctx.destination);
    for (const freq of [RING.lowHz, RING.highHz]) {
      const osc = ctx.createOscillator();
      osc.frequency.value = freq;
      osc.connect(gain);
      osc.start(t);
      osc.stop(t + on);
    }
  }
}
