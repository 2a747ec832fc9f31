// @ts-check
/**
 * The page's measurement of its own drawing, reported to Go (ReportVideo):
 * the real WebKit window cannot be scripted from outside, so this is how
 * its frame rate and latency are measured (app/backend/measure.go logs them and,
 * for benchmarks, writes them as JSON lines).
 */
import { percentile } from './video.js';

/** @typedef {import('./backend.js').Backend} Backend */
/** @typedef {import('./video.js').VideoView} VideoView */

/** How often the page reports its drawing to Go. */
const REPORT_EVERY_MS = 5000;

/** @type {Record<string, {drawn: number, measured: number}>} */
const lastReported = {};

/** The bridge counters as of the last report. */
const lastBridge = { connects: 0, rejected: 0 };

/**
 * Reports a stream's first picture at once: it ends call setup.
 * @param {Backend} backend
 * @param {VideoView} video
 * @param {number} stream
 */
export function reportStart(backend, video, stream) {
  const c = video.counters[stream];
  backend.ReportVideo?.({ streams: [{ stream, width: c.width, height: c.height, fps: 0, p50Ms: 0, p95Ms: 0, skipped: c.skipped,
    startedAt: c.startedAt, transitMs: [0, 0], waitMs: [0, 0], drawMs: [0, 0] }] })
    .catch(() => {});
}

/**
 * Exposes the video counters (the page's own measurements: received,
 * drawn, latency) to tests and benchmarks, and sends them to Go every few
 * seconds.
 * @param {Backend} backend
 * @param {VideoView} video
 */
export function startReports(backend, video) {
  /** @type {any} */ (globalThis).parleyVideo = video;
  setInterval(() => {
    if (typeof backend.ReportVideo !== 'function') return;
    backend.ReportVideo({ ...videoReport(video.counters, REPORT_EVERY_MS), bridge: bridgeReport(video.stream.counters) }).catch(() => {});
  }, REPORT_EVERY_MS);
}

/**
 * The p-th percentile (0–100) of xs, 0 for none (Go reads the report as numbers).
 * @param {number[]} xs
 * @param {number} p
 */
const pct = (xs, p) => (xs.length ? percentile(xs, p) : 0);

/**
 * The frame bridge's trouble since the last report: reconnections (the
 * first connection is not one) and rejected messages.
 * @param {import('./framestream.js').StreamCounters} c
 * @returns {import('./backend.js').BridgeReport}
 */
function bridgeReport(c) {
  const reconnects = Math.max(0, c.connects - 1) - Math.max(0, lastBridge.connects - 1);
  const rejected = c.rejected - lastBridge.rejected;
  lastBridge.connects = c.connects;
  lastBridge.rejected = c.rejected;
  return { reconnects, rejected, lastError: reconnects > 0 || rejected > 0 ? c.lastError : '' };
}

/**
 * Summarises the video counters for ReportVideo: frames drawn per second
 * since the last report and the recent capture→drawn latency percentiles.
 * @param {Record<number, import('./video.js').DrawCounters>} counters
 * @param {number} everyMs
 * @returns {import('./backend.js').VideoReport}
 */
function videoReport(counters, everyMs) {
  /** @type {import('./backend.js').VideoReport} */
  const out = { streams: [] };
  for (const [key, c] of Object.entries(counters)) {
    const prev = lastReported[key] ?? { drawn: c.drawn, measured: c.measured };
    lastReported[key] = { drawn: c.drawn, measured: c.measured };
    // Only the frames drawn since the last report.
    const fresh = Math.min(c.measured - prev.measured, c.latencies.length);
    const lat = fresh > 0 ? c.latencies.slice(-fresh) : [];
    const drawn = Math.min(c.drawn - prev.drawn, c.stages.length);
    const stages = drawn > 0 ? c.stages.slice(-drawn) : [];
    const stage = (/** @type {number} */ i) => stages.map((st) => st[i]);
    out.streams.push({ stream: Number(key), width: c.width, height: c.height, fps: ((c.drawn - prev.drawn) * 1000) / everyMs,
      p50Ms: pct(lat, 50), p95Ms: pct(lat, 95), skipped: c.skipped, startedAt: 0,
      transitMs: [pct(stage(0), 50), pct(stage(0), 95)],
      waitMs: [pct(stage(1), 50), pct(stage(1), 95)],
      drawMs: [pct(stage(2), 50), pct(stage(2), 95)] });
  }
  return out;
}
