// @ts-check
/**
 * Ring plays a ringtone made with WebAudio (two sine tones, 2 s on, 4 s
 * off), so no audio file ships. WebKitGTK may refuse to start audio without
 * a user gesture; then the call still shows its dialog, silently.
 */
export class Ring {
  constructor() {
    /** @type {AudioContext|null} */
    this.ctx = null;
    /** @type {ReturnType<typeof setInterval>|undefined} */
    this.timer = undefined;
  }

  start() {
    if (this.ctx) return;
    try {
      this.ctx = new AudioContext();
      this.ctx.resume().catch(() => {});
      this.burst();
      this.timer = setInterval(() => this.burst(), 6000);
    } catch {
      this.stop();
    }
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    const ctx = this.ctx;
    this.ctx = null;
    ctx?.close().catch(() => {});
  }

  /** @private */
  burst() {
    const ctx = this.ctx;
    if (!ctx) return;
    try {
      const gain = ctx.createGain();
      gain.connect(ctx.destination);
      const t = ctx.currentTime;
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(0.15, t + 0.05);
      gain.gain.setValueAtTime(0.15, t + 1.95);
      gain.gain.linearRampToValueAtTime(0, t + 2);
      for (const hz of [440, 480]) {
        const osc = ctx.createOscillator();
        osc.frequency.value = hz;
        osc.connect(gain);
        osc.start(t);
        osc.stop(t + 2);
      }
    } catch {
      this.stop();
    }
  }
}
