// @ts-check
/**
 * Drives Chromium pages of Parley's browser client (served by parley-signal)
 * for one benchmark call, and prints JSON lines for the Go harness
 * (bench/cmd/parley-bench) on stdout:
 *
 *   {"event":"ready","names":{...}}   every page signed in (asked → given name)
 *   {"event":"flowing","at":MS}       every page has drawn a remote frame
 *   {"event":"result","pages":[...]}  what each page's probe measured
 *
 * Usage: node chromium.mjs '<config JSON>' (see Config below). Each page
 * runs in its own Chromium process, as two users on two machines would.
 * The script exits when the call is over, or when stdin closes (so a
 * harness that dies cannot leave browsers behind).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../../tests/e2e/node_modules/playwright-core/index.mjs';
import { waitFor } from '../../tests/e2e/lib/signal.mjs';
import { installProbe, splitLatencies } from './probe.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * @typedef {object} PageSpec
 * @property {string} name    the name to sign in with
 * @property {number} camera  the stamp's camera id
 * @property {string} [call]  the user to call once both are online
 *
 * @typedef {object} Config
 * @property {string} signal     http URL of parley-signal (the client is served at /)
 * @property {string} [chromium] executable, default /usr/bin/chromium
 * @property {PageSpec[]} pages
 * @property {number} width
 * @property {number} height
 * @property {number} fps
 * @property {number} clockSkew how much slower than fps the page's camera runs (app/media/testmedia's ClockSkew)
 * @property {number} hold       ms to stay in the call once video flows
 * @property {number} [fullResWait] ms after flowing to wait, at most, for full-width video
 * @property {number} warmup     ms after the first frame before latencies count
 * @property {number} [codecWindow] ms at the end of the call over which Chromium's codec time is averaged
 * @property {number} timeout    ms to wait for each step
 */

/** The init script: stamp.mjs's functions and installProbe, called with cfg. */
function probeScript(/** @type {object} */ cfg) {
  const stampSrc = readFileSync(path.join(here, 'stamp.mjs'), 'utf8').replace(/^export /gm, '');
  return `(() => {\n${stampSrc}\nconst stamp = { drawOnCanvas, decode, lumaFromRGBA, bandHeight };\n(${installProbe.toString()})(${JSON.stringify(cfg)}, stamp);\n})();`;
}

/** @param {object} v */
function emit(v) {
  process.stdout.write(JSON.stringify(v) + '\n');
}

/**
 * Video encode and decode counters of the page's RTCPeerConnection.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<Record<string, number>>}
 */
function codecCounters(page) {
  return page.evaluate(async () => {
    const c = { framesEncoded: 0, totalEncodeTime: 0, framesDecoded: 0, totalDecodeTime: 0, sendWidth: 0, jitterBufferDelay: 0, jitterBufferEmittedCount: 0, jitterBufferTargetDelay: 0, jitterBufferMinimumDelay: 0, totalAssemblyTime: 0, framesAssembled: 0, audioJitterBufferDelay: 0, audioEmitted: 0 };
    const pc = window.parley?.pc;
    if (!pc) return c;
    const stats = await RTCPeerConnection.prototype.getStats.call(pc);
    stats.forEach((s) => {
      if (s.kind === 'audio' && s.type === 'inbound-rtp') {
        c.audioJitterBufferDelay += s.jitterBufferDelay ?? 0;
        c.audioEmitted += s.jitterBufferEmittedCount ?? 0;
      }
      if (s.kind !== 'video') return;
      if (s.type === 'outbound-rtp') {
        c.framesEncoded += s.framesEncoded ?? 0;
        c.totalEncodeTime += s.totalEncodeTime ?? 0;
        c.sendWidth = Math.max(c.sendWidth, s.frameWidth ?? 0);
      } else if (s.type === 'inbound-rtp') {
        c.framesDecoded += s.framesDecoded ?? 0;
        c.totalDecodeTime += s.totalDecodeTime ?? 0;
        c.jitterBufferDelay += s.jitterBufferDelay ?? 0;
        c.jitterBufferTargetDelay += s.jitterBufferTargetDelay ?? 0;
        c.jitterBufferMinimumDelay += s.jitterBufferMinimumDelay ?? 0;
        c.jitterBufferEmittedCount += s.jitterBufferEmittedCount ?? 0;
        c.totalAssemblyTime += s.totalAssemblyTime ?? 0;
        c.framesAssembled += s.framesAssembledFromMultiplePackets ?? 0;
      }
    });
    return c;
  });
}

async function main() {
  /** @type {Config} */
  const cfg = JSON.parse(process.argv[2] ?? '');
  process.stdin.on('end', () => process.exit(3));
  process.stdin.resume();
  const args = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'];
  const browsers = await Promise.all(cfg.pages.map(() => chromium.launch({ executablePath: cfg.chromium || '/usr/bin/chromium', headless: true, args })));
  try {
    const pages = await Promise.all(
      cfg.pages.map(async (spec, i) => {
        const context = await browsers[i].newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1100, height: 700 } });
        await context.addInitScript(probeScript({ width: cfg.width, height: cfg.height, fps: cfg.fps, camera: spec.camera, fullWidth: cfg.width, clockSkew: cfg.clockSkew }));
        const page = await context.newPage();
        await page.goto(cfg.signal);
        await page.fill('#login_name', spec.name);
        await page.click('#login_button');
        await page.waitForFunction(() => window.parley?.state === 'idle' && window.parley.link === 'open', null, { timeout: cfg.timeout });
        return { spec, page, given: await page.evaluate(() => window.parley.name) };
      }),
    );
    emit({ event: 'ready', names: Object.fromEntries(pages.map((p) => [p.spec.name, p.given])) });

    for (const p of pages) {
      if (!p.spec.call) continue;
      const button = p.page.locator('#userlist').getByRole('button', { name: p.spec.call, exact: true });
      await button.waitFor({ timeout: cfg.timeout });
      await button.click();
    }
    /** @param {import('playwright-core').Page} page */
    const probe = (page) => page.evaluate(() => /** @type {any} */ (window).__bench);
    await waitFor(async () => (await Promise.all(pages.map((p) => probe(p.page)))).every((b) => b.firstFrameAt > 0), { timeout: cfg.timeout, interval: 25, what: 'remote video on every page' });
    const flowing = Date.now();
    emit({ event: 'flowing', at: flowing });
    await new Promise((r) => setTimeout(r, cfg.hold));
    if (cfg.fullResWait) {
      await waitFor(async () => (await Promise.all(pages.map((p) => probe(p.page)))).every((b) => b.fullResAt > 0), { timeout: Math.max(0, flowing + cfg.fullResWait - Date.now()), interval: 25, what: 'full resolution' }).catch(() => null);
    }
    // Chromium's own codec cost over the last few seconds of the call, from
    // its encode/decode time counters, to set beside Parley's codec
    // benchmarks at the size Chromium was really sending.
    const before = await Promise.all(pages.map((p) => codecCounters(p.page)));
    await new Promise((r) => setTimeout(r, cfg.codecWindow ?? 0));
    const after = await Promise.all(pages.map((p) => codecCounters(p.page)));
    const results = await Promise.all(
      pages.map(async (p, i) => {
        const b = await probe(p.page);
        const d = (/** @type {string} */ k) => after[i][k] - before[i][k];
        // ms per unit of counter n (frames, samples) over the window: the
        // counter k is in seconds.
        const msPer = (/** @type {string} */ k, /** @type {string} */ n) => (d(n) > 0 ? (1000 * d(k)) / d(n) : 0);
        const from = b.firstFrameAt + cfg.warmup;
        return {
          name: p.given,
          clickAt: b.clickAt,
          acceptAt: b.acceptAt,
          firstFrameAt: b.firstFrameAt,
          fullResAt: b.fullResAt,
          frames: b.frames,
          stamped: b.stamped,
          sent: b.sent,
          width: b.width,
          height: b.height,
          encodeMsPerFrame: msPer('totalEncodeTime', 'framesEncoded'),
          decodeMsPerFrame: msPer('totalDecodeTime', 'framesDecoded'),
          sendWidth: after[i].sendWidth,
          // Where received frames waited: Chromium's jitter buffer (actual
          // and target delay per frame) and packet assembly.
          jitterBufferMs: msPer('jitterBufferDelay', 'jitterBufferEmittedCount'),
          jitterTargetMs: msPer('jitterBufferTargetDelay', 'jitterBufferEmittedCount'),
          // The target as the network alone would set it: the rest of the
          // target is lip sync's (audio and video are one stream).
          jitterMinimumMs: msPer('jitterBufferMinimumDelay', 'jitterBufferEmittedCount'),
          audioJitterBufferMs: msPer('audioJitterBufferDelay', 'audioEmitted'),
          assemblyMs: msPer('totalAssemblyTime', 'framesAssembled'),
          ...splitLatencies(b.latencies, from, cfg.width),
        };
      }),
    );
    const hangup = pages[0].page.locator('#hangup_button');
    if (await hangup.isEnabled()) await hangup.click();
    emit({ event: 'result', pages: results });
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    emit({ event: 'error', text: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  },
);
