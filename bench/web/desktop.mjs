// @ts-check
/**
 * Case (d): Parley's desktop app (the Wails dev build, bin/parley-dev, in a
 * real WebKitGTK window on Xvfb) calls a Chromium page of Parley's browser
 * client. Prints JSON lines for bench/cmd/parley-bench:
 *
 *   {"event":"ready"}
 *   {"event":"setup","ms":N,"peerMs":M} one per short call: click → first frame drawn by
 *                                       the desktop (ms) and shown by the peer (peerMs)
 *   {"event":"flowing"}                  the long call carries video (CPU sampling starts)
 *   {"event":"result", ...}              latencies and time to full resolution
 *
 * The desktop UI is driven, as a user would, through its dev server page
 * (the same frontend with live bindings to the same Go engine, opened in
 * headless Chromium); that page also draws the bridge's frames with the
 * same renderer code as the WebKit window, which is where the desktop's
 * "first remote frame drawn" and its stamp latencies are read. The WebKit
 * window draws the same frames at the same time (its CPU is what the
 * harness samples).
 *
 * Usage: node desktop.mjs '{"ws":…,"http":…,"runs":5,"width":1280,"height":720,"hold":30000,"fullResWait":40000,"warmup":2000,"timeout":30000}'
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../../tests/e2e/node_modules/playwright-core/index.mjs';
import { startDesktop, startXvfb } from '../../tests/e2e/lib/desktop.mjs';
import { installProbe } from './probe.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const stampSrc = readFileSync(path.join(here, 'stamp.mjs'), 'utf8').replace(/^export /gm, '');

/** @param {object} v */
function emit(v) {
  process.stdout.write(JSON.stringify(v) + '\n');
}

/** The Chromium peer's probe (see probe.mjs). @param {object} cfg */
function peerScript(cfg) {
  return `(() => {\n${stampSrc}\nconst stamp = { drawOnCanvas, decode, lumaFromRGBA, bandHeight };\n(${installProbe.toString()})(${JSON.stringify(cfg)}, stamp);\n})();`;
}

/**
 * Runs in the desktop UI page: when the user clicks a call button, and
 * every newly drawn remote frame (the page's own counters) with the stamp
 * read back from the received_video canvas.
 */
function deskProbe() {
  const b = { clickAt: 0, firstDrawAt: 0, /** @type {number[][]} */ latencies: [], lastSeq: -1 };
  /** @type {any} */ (window).__desk = b;
  document.addEventListener(
    'click',
    (ev) => {
      if (ev.target instanceof Element && ev.target.closest('.user-call')) b.clickAt = Date.now();
    },
    true,
  );
  const rb = document.createElement('canvas');
  const rctx = /** @type {CanvasRenderingContext2D} */ (rb.getContext('2d', { willReadFrequently: true }));
  let drawn = 0;
  const tick = () => {
    const v = /** @type {any} */ (globalThis).parleyVideo;
    const c = v?.counters?.[1];
    if (c && c.drawn > drawn) {
      drawn = c.drawn;
      const t = Date.now();
      if (b.clickAt && !b.firstDrawAt) b.firstDrawAt = t;
      const src = /** @type {HTMLCanvasElement | null} */ (document.getElementById('received_video'));
      if (src && src.width >= 160) {
        // @ts-ignore: the stamp functions are prepended to this script.
        const bh = Math.min(bandHeight(src.width), src.height);
        rb.width = src.width;
        rb.height = bh;
        rctx.drawImage(src, 0, 0, src.width, bh, 0, 0, src.width, bh);
        // @ts-ignore
        const code = decode(lumaFromRGBA(rctx.getImageData(0, 0, src.width, bh).data), src.width, bh, src.width);
        if (code && code.seq !== b.lastSeq) {
          b.lastSeq = code.seq;
          b.latencies.push([t, t - code.capturedMS]);
        }
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/**
 * @template T
 * @param {() => Promise<T>} fn
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
async function until(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main() {
  const cfg = JSON.parse(process.argv[2] ?? '');
  process.stdin.on('end', () => process.exit(3));
  process.stdin.resume();
  const args = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'];
  const x = await startXvfb();
  /** @type {Awaited<ReturnType<typeof startDesktop>> | undefined} */
  let desk;
  /** @type {import('playwright-core').Browser[]} */
  const browsers = [];
  try {
    desk = await startDesktop({ display: x.display, args: ['--fake-media', '--server', cfg.ws] });
    browsers.push(await chromium.launch({ executablePath: cfg.chromium || '/usr/bin/chromium', headless: true, args }));
    browsers.push(await chromium.launch({ executablePath: cfg.chromium || '/usr/bin/chromium', headless: true, args }));
    const uiCtx = await browsers[0].newContext({ viewport: { width: 1200, height: 760 } });
    await uiCtx.addInitScript(`(() => {\n${stampSrc}\n(${deskProbe.toString()})();\n})();`);
    const ui = await uiCtx.newPage();
    // The canvas-2D renderer: headless Chromium's software WebGL is far
    // slower than WebKit's, and this page is only the instrument.
    await ui.goto(`${desk.url}?renderer=2d`);
    await ui.fill('#login-name', 'desk');
    await ui.click('#login-form button[type=submit]');
    await ui.waitForSelector('#signaling-status[data-status=online]', { timeout: cfg.timeout });

    const peerCtx = await browsers[1].newContext({ permissions: ['camera', 'microphone'] });
    await peerCtx.addInitScript(peerScript({ width: cfg.width, height: cfg.height, fps: 30, camera: 31, fullWidth: cfg.width }));
    const peer = await peerCtx.newPage();
    await peer.goto(cfg.http);
    await peer.fill('#login_name', 'dpeer');
    await peer.click('#login_button');
    await peer.waitForFunction(() => window.parley?.state === 'idle' && window.parley.link === 'open', null, { timeout: cfg.timeout });
    const peerName = await peer.evaluate(() => window.parley.name);
    emit({ event: 'ready' });

    const callButton = ui.locator('#users li.user', { hasText: peerName }).locator('button.user-call');
    const reset = () =>
      Promise.all([
        ui.evaluate(() => Object.assign(/** @type {any} */ (window).__desk, { clickAt: 0, firstDrawAt: 0, latencies: [], lastSeq: -1 })),
        peer.evaluate(() => Object.assign(/** @type {any} */ (window).__bench, { clickAt: 0, acceptAt: 0, firstFrameAt: 0, fullResAt: 0, frames: 0, stamped: 0, latencies: [] })),
      ]);
    /** One call from the desktop UI; resolves when both sides draw video. */
    const place = async () => {
      await reset();
      await callButton.waitFor({ timeout: cfg.timeout });
      await callButton.click();
      await until(async () => (await ui.evaluate(() => /** @type {any} */ (window).__desk.firstDrawAt)) > 0, cfg.timeout, 'the desktop to draw remote video');
      await until(async () => (await peer.evaluate(() => /** @type {any} */ (window).__bench.firstFrameAt)) > 0, cfg.timeout, 'the peer to show the desktop video');
      const d = await ui.evaluate(() => /** @type {any} */ (window).__desk);
      d.peerFirstFrameAt = await peer.evaluate(() => /** @type {any} */ (window).__bench.firstFrameAt);
      return d;
    };
    const hangUp = async () => {
      await ui.click('#btn-hangup');
      await until(async () => (await peer.evaluate(() => window.parley?.state)) === 'idle', cfg.timeout, 'the peer to return to idle');
      await until(async () => (await ui.evaluate(() => document.body.dataset.phase)) !== 'in-call', cfg.timeout, 'the desktop to leave the call').catch(async (err) => {
        throw new Error(`${err.message} (phase ${await ui.evaluate(() => document.body.dataset.phase)})`);
      });
      await new Promise((r) => setTimeout(r, 500));
    };

    for (let i = 0; i < cfg.runs; i++) {
      const d = await place();
      // Also the peer's first picture of the desktop's camera: the
      // engine's part of setup, without the desktop page's drawing.
      emit({ event: 'setup', ms: d.firstDrawAt - d.clickAt, peerMs: d.peerFirstFrameAt - d.clickAt });
      await hangUp();
    }

    const d = await place();
    emit({ event: 'flowing' });
    await new Promise((r) => setTimeout(r, cfg.hold));
    if (cfg.fullResWait) {
      await until(async () => (await peer.evaluate(() => /** @type {any} */ (window).__bench.fullResAt)) > 0, Math.max(0, d.firstDrawAt + cfg.fullResWait - Date.now()), 'full resolution').catch(() => null);
    }
    const u = await ui.evaluate(() => /** @type {any} */ (window).__desk);
    const p = await peer.evaluate(() => /** @type {any} */ (window).__bench);
    emit({
      event: 'result',
      toDesktop: u.latencies.filter((/** @type {number[]} */ l) => l[0] >= u.firstDrawAt + cfg.warmup).map((/** @type {number[]} */ l) => l[1]),
      toChromium: p.latencies.filter((/** @type {number[]} */ l) => l[0] >= p.firstFrameAt + cfg.warmup).map((/** @type {number[]} */ l) => l[1]),
      fullResS: p.fullResAt ? (p.fullResAt - u.clickAt) / 1000 : -1,
      peerWidth: p.width,
    });
    await hangUp();
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
    await desk?.stop();
    await x.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    emit({ event: 'error', text: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  },
);
