// @ts-check
/**
 * VideoView draws the bridge's streams: Remote into the big pane, Local
 * into the corner preview and, while the settings panel is open, into its
 * camera preview. Only the newest frame of each stream is kept; the drawing
 * happens in requestAnimationFrame, so a page that draws slower than frames
 * arrive skips frames instead of falling behind.
 *
 * Counters (per stream) are public for the stats panel and for tests.
 */
import { FrameStream, STREAM_LOCAL, STREAM_REMOTE, nowMicros } from './framestream.js';
import { createRenderer } from './i420.js';

/** @typedef {import('./framestream.js').Frame} Frame */
/** @typedef {import('./i420.js').Renderer} Renderer */

/** How many recent latencies the percentiles are computed over. */
const LATENCY_WINDOW = 300;

/**
 * @typedef {Object} DrawCounters
 * @property {number} drawn          frames drawn
 * @property {number} skipped        frames replaced by a newer one before they were drawn
 * @property {number} lastLatencyMs  draw time minus capture time of the last drawn frame (NaN if unknown)
 * @property {number} width
 * @property {number} height
 * @property {number[]} latencies    recent latencies in ms, oldest first
 */

export class VideoView {
  /**
   * @param {() => Promise<string>} getURL  the backend's FrameBridgeURL
   * @param {{ forceCPU?: boolean }} [opts]
   */
  constructor(getURL, opts = {}) {
    this.opts = opts;
    /** @type {Map<number, Frame>} */
    this.pending = new Map();
    /** @type {Map<number, Set<Renderer>>} */
    this.targets = new Map([[STREAM_REMOTE, new Set()], [STREAM_LOCAL, new Set()]]);
    /** @type {Map<HTMLCanvasElement, Renderer>} */
    this.renderers = new Map();
    /** @type {Record<number, DrawCounters>} */
    this.counters = {
      [STREAM_REMOTE]: newCounters(),
      [STREAM_LOCAL]: newCounters(),
    };
    this.stream = new FrameStream(getURL, (f) => this.accept(f));
    this.raf = 0;
  }

  /**
   * attach makes canvas show stream until detach.
   * @param {number} stream  STREAM_REMOTE or STREAM_LOCAL
   * @param {HTMLCanvasElement} canvas
   */
  attach(stream, canvas) {
    let r = this.renderers.get(canvas);
    if (!r) {
      r = createRenderer(canvas, this.opts);
      this.renderers.set(canvas, r);
      // A GPU reset or sleep loses WebGL contexts; preventing the default
      // lets the browser restore it, and a new renderer rebuilds the
      // textures and the shader.
      canvas.addEventListener('webglcontextlost', (ev) => ev.preventDefault());
      canvas.addEventListener('webglcontextrestored', () => this.rebuild(canvas));
    }
    this.targets.get(stream)?.add(r);
  }

  /**
   * @private
   * @param {HTMLCanvasElement} canvas
   */
  rebuild(canvas) {
    const old = this.renderers.get(canvas);
    if (!old) return;
    const r = createRenderer(canvas, this.opts);
    this.renderers.set(canvas, r);
    for (const set of this.targets.values()) {
      if (set.delete(old)) set.add(r);
    }
  }

  /**
   * @param {number} stream
   * @param {HTMLCanvasElement} canvas
   */
  detach(stream, canvas) {
    const r = this.renderers.get(canvas);
    if (r) this.targets.get(stream)?.delete(r);
  }

  /**
   * The renderer kind used for canvas ('webgl' or '2d', '' if none), for the stats panel.
   * @param {HTMLCanvasElement} canvas
   */
  kindOf(canvas) {
    return this.renderers.get(canvas)?.kind ?? '';
  }

  start() {
    this.stream.start();
  }

  stop() {
    this.stream.stop();
    cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  /**
   * @private
   * @param {Frame} f
   */
  accept(f) {
    if (this.pending.has(f.stream)) this.counters[f.stream].skipped++;
    this.pending.set(f.stream, f);
    if (!this.raf) this.raf = requestAnimationFrame(() => this.draw());
  }

  /** @private */
  draw() {
    this.raf = 0;
    for (const [stream, f] of this.pending) {
      for (const r of this.targets.get(stream) ?? []) r.draw(f);
      const c = this.counters[stream];
      c.drawn++;
      c.width = f.width;
      c.height = f.height;
      c.lastLatencyMs = f.captured ? (nowMicros() - f.captured) / 1000 : NaN;
      if (f.captured) {
        c.latencies.push(c.lastLatencyMs);
        if (c.latencies.length > LATENCY_WINDOW) c.latencies.shift();
      }
    }
    this.pending.clear();
  }
}

/** @returns {DrawCounters} */
function newCounters() {
  return { drawn: 0, skipped: 0, lastLatencyMs: NaN, width: 0, height: 0, latencies: [] };
}

/**
 * percentile returns the p-th percentile (0–100) of values, NaN if empty.
 * @param {number[]} values
 * @param {number} p
 */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
