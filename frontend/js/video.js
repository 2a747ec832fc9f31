// @ts-check
/**
 * VideoView draws the bridge's streams: Remote into the big pane, Local
 * into the corner preview and, while the settings panel is open, into its
 * camera preview. Only the newest frame of each stream is kept. The peer's
 * picture is drawn the moment it arrives, and the preview with it (see
 * accept); otherwise, and whenever the page falls behind, drawing happens in
 * requestAnimationFrame, so a page that draws slower than frames arrive
 * skips frames instead of falling behind.
 *
 * It also tells the bridge how large each stream is shown (the largest
 * visible pane's picture, in device pixels; 0×0 when no pane shows it), so
 * that the corner preview arrives at preview size and a hidden pane costs
 * nothing: uploading planes is most of a GPU-less web view's work.
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
 * @property {number} measured       latencies recorded in all (the list keeps the last LATENCY_WINDOW)
 * @property {number[][]} stages     where each recent drawn frame's time went, oldest first, one
 *                                   [transit, wait, draw] in ms per frame drawn (the last LATENCY_WINDOW):
 *                                   bridge send → page receives, received → drawn (0 when drawn on
 *                                   arrival), and the draw call itself (2D: conversion and putImageData; WebGL: upload and shader)
 * @property {number} lastDrawnAt    when the last picture was drawn, ms since the epoch
 * @property {number} startedAt      when the stream's first picture was drawn, ms since the epoch: the
 *                                   first ever, the first after STARTED_AFTER_MS without one, or the first
 *                                   since a pane showed the stream again (a new call) (0 = none yet)
 */

/** A frame longer than this on its way from the bridge means the page is behind (one display frame at 60 Hz). */
const BEHIND_MS = 1000 / 60;

/** A stream that draws nothing for this long, or whose panes were all hidden, starts again with its next picture. */
const STARTED_AFTER_MS = 1000;

export class VideoView {
  /**
   * @param {() => Promise<string>} getURL  the backend's FrameBridgeURL
   * @param {{ renderer?: '2d'|'webgl', onStart?: (stream: number) => void }} [opts]
   *   renderer overrides i420.js's preferredRenderer
   *   onStart is told when a stream's first picture is drawn (see startedAt)
   */
  constructor(getURL, opts = {}) {
    this.opts = opts;
    /** @type {Map<number, {f: Frame, at: number, transitMs: number}>} the newest frame per stream, with when it arrived */
    this.pending = new Map();
    /** @type {Map<number, Set<HTMLCanvasElement>>} */
    this.targets = new Map([[STREAM_REMOTE, new Set()], [STREAM_LOCAL, new Set()]]);
    /** @type {Map<HTMLCanvasElement, Renderer>} */
    this.renderers = new Map();
    /** @type {Record<number, DrawCounters>} */
    this.counters = {
      [STREAM_REMOTE]: newCounters(),
      [STREAM_LOCAL]: newCounters(),
    };
    this.stream = new FrameStream(getURL, (f) => this.accept(f), () => {
      this.sentViews.clear();
      this.sendViews();
    });
    this.raf = 0;
    /** @type {Map<number, number>} width/height of each stream's picture, from its frames */
    this.aspects = new Map();
    /** @type {Map<HTMLCanvasElement, number>} how many device pixels wide each canvas shows its picture */
    this.shownWidths = new Map();
    /** @type {Map<number, string>} the last view sent per stream, "WxH" */
    this.sentViews = new Map();
    this.viewTimer = 0;
    // A pane's size changes with the window; its visibility with the call
    // phase, the camera switch or the settings panel (attributes on the
    // page's elements). Either may change what the bridge should send.
    // Resizes come in bursts while the window is dragged and are
    // coalesced; an attribute change (a call connecting, a pane shown) is
    // one event, sent at once: the first picture of a call waits for it.
    this.resizes = new ResizeObserver(() => this.scheduleViews());
    this.mutations = new MutationObserver(() => this.sendViews());
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
    this.targets.get(stream)?.add(canvas);
    canvas.dataset.empty = '';
    this.resizes.observe(canvas);
    this.scheduleViews();
  }

  /**
   * @private
   * @param {HTMLCanvasElement} canvas
   */
  rebuild(canvas) {
    const old = this.renderers.get(canvas);
    if (!old) return;
    this.renderers.set(canvas, createRenderer(canvas, this.opts));
  }

  /**
   * @param {number} stream
   * @param {HTMLCanvasElement} canvas
   */
  detach(stream, canvas) {
    this.targets.get(stream)?.delete(canvas);
    this.scheduleViews();
  }

  /**
   * The renderer kind used for canvas ('webgl' or '2d', '' if none), for the stats panel.
   * @param {HTMLCanvasElement} canvas
   */
  kindOf(canvas) {
    return this.renderers.get(canvas)?.kind ?? '';
  }

  start() {
    this.mutations.observe(document.body, {
      attributes: true, subtree: true, attributeFilter: ['hidden', 'class', 'open', 'data-phase', 'data-camera-off'],
    });
    this.stream.start();
  }

  stop() {
    this.mutations.disconnect();
    clearTimeout(this.viewTimer);
    this.viewTimer = 0;
    this.stream.stop();
    cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  /**
   * @private
   * @param {Frame} f
   */
  accept(f) {
    const aspect = f.width / f.height;
    if (Math.abs((this.aspects.get(f.stream) ?? 0) - aspect) > 0.01) {
      this.aspects.set(f.stream, aspect);
      this.scheduleViews();
    }
    if (this.pending.has(f.stream)) this.counters[f.stream].skipped++;
    const transitMs = (nowMicros() - f.sent) / 1000;
    this.pending.set(f.stream, { f, at: performance.now(), transitMs });
    // Without a GPU, WebKit shows a changed canvas at once rather than at
    // the next display frame, so the peer's picture drawn on arrival
    // reaches the screen sooner. The preview is drawn along with it: drawn
    // on its own arrival as well, the two updates per frame left many screen
    // grabs showing half of one picture and half of the next (Measured:
    // docs/benchmarks.md, "Figures behind the code", The page's canvas).
    // A frame that spent more than a display frame on the way means the
    // page is behind; requestAnimationFrame then draws only the newest of
    // those that queued up.
    if (f.stream === STREAM_REMOTE && transitMs < BEHIND_MS) {
      cancelAnimationFrame(this.raf);
      this.draw();
    } else if (!this.raf) {
      this.raf = requestAnimationFrame(() => this.draw());
    }
  }

  /** @private */
  draw() {
    this.raf = 0;
    for (const [stream, { f, at, transitMs }] of this.pending) {
      // A picture drawn while no pane shows the stream (one in flight as the
      // call ended) neither starts it nor delays the next start, and leaves
      // its panes blank.
      const shown = this.sentViews.get(stream) !== '0x0';
      const t0 = performance.now();
      for (const canvas of this.targets.get(stream) ?? []) {
        this.renderers.get(canvas)?.draw(f, this.shownWidths.get(canvas));
        if (shown) delete canvas.dataset.empty;
      }
      const t1 = performance.now();
      const c = this.counters[stream];
      const now = Date.now();
      const started = shown && now - c.lastDrawnAt >= STARTED_AFTER_MS;
      if (shown) c.lastDrawnAt = now;
      if (started) c.startedAt = now;
      c.drawn++;
      c.width = f.width;
      c.height = f.height;
      c.lastLatencyMs = f.captured ? (nowMicros() - f.captured) / 1000 : NaN;
      if (f.captured) {
        c.measured++;
        c.latencies.push(c.lastLatencyMs);
        if (c.latencies.length > LATENCY_WINDOW) c.latencies.shift();
      }
      c.stages.push([transitMs, t0 - at, t1 - t0]);
      if (c.stages.length > LATENCY_WINDOW) c.stages.shift();
      if (started) this.opts.onStart?.(stream);
    }
    this.pending.clear();
  }

  /**
   * Coalesces bursts of layout changes into one view update.
   * @private
   */
  scheduleViews() {
    if (this.viewTimer) return;
    this.viewTimer = setTimeout(() => {
      this.viewTimer = 0;
      this.sendViews();
    }, 30);
  }

  /**
   * Sends each stream's shown size when it changed since the last one sent,
   * and keeps each canvas's for its renderer.
   * @private
   */
  sendViews() {
    for (const [stream, canvases] of this.targets) {
      const aspect = this.aspects.get(stream) ?? 16 / 9;
      let w = 0;
      let h = 0;
      for (const canvas of canvases) {
        const [cw, ch] = shownSize(canvas, aspect);
        // A hidden canvas keeps its size, ready for when it shows again.
        if (cw > 0) this.shownWidths.set(canvas, cw);
        if (cw * ch > w * h) [w, h] = [cw, ch];
      }
      const key = `${w}x${h}`;
      if (this.sentViews.get(stream) === key) continue;
      // Hidden: the stream's next picture starts it again (see startedAt),
      // and until it comes its panes show nothing rather than the last one.
      if (key === '0x0') {
        this.counters[stream].lastDrawnAt = -Infinity;
        for (const canvas of canvases) canvas.dataset.empty = '';
      }
      if (this.stream.sendView(stream, w, h)) this.sentViews.set(stream, key);
    }
  }
}

/**
 * shownSize is the size in device pixels at which canvas shows a picture
 * of the given aspect ratio once CSS fits it into the canvas's box, or
 * [0, 0] when the canvas is not shown.
 * @param {HTMLCanvasElement} canvas
 * @param {number} aspect  width / height
 * @returns {[number, number]}
 */
export function shownSize(canvas, aspect) {
  if (!canvas.isConnected) return [0, 0];
  const box = canvas.getBoundingClientRect();
  if (box.width < 1 || box.height < 1) return [0, 0];
  const style = getComputedStyle(canvas);
  if (style.visibility !== 'visible') return [0, 0];
  const dpr = window.devicePixelRatio || 1;
  const bw = box.width * dpr;
  const bh = box.height * dpr;
  let h;
  switch (style.objectFit) {
    case 'fill':
      return [Math.ceil(bw), Math.ceil(bh)];
    case 'cover':
      h = Math.max(bw / aspect, bh);
      break;
    default: // contain, scale-down, none: never larger than the box
      h = Math.min(bw / aspect, bh);
  }
  return [Math.ceil(h * aspect), Math.ceil(h)];
}

/** @returns {DrawCounters} */
function newCounters() {
  return { drawn: 0, skipped: 0, lastLatencyMs: NaN, width: 0, height: 0, latencies: [], measured: 0, stages: [], startedAt: 0, lastDrawnAt: 0 };
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
