// The Go engine (bin/parley --headless --fake-media) against real Chromium
// with fake media: Parley's browser client and the MDN-like fixture, each
// calling and being called. The Go side must decode the browser's video
// (its --stats-json) and exit 0 (connected, media both ways); the browser's
// framesDecoded must keep rising. MDN's client answers with addTransceiver
// and re-offers, so these calls also prove the engine accepts renegotiation;
// it races its own renegotiation now and then (NOTES.md), hence one retry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { startSignal, repoRoot, waitFor, withOneRetry } from './lib/signal.mjs';
import { launchBrowser, openPage } from './lib/browser.mjs';
import { openMDNClient, mdnCall, startFixtureServer } from './lib/fixtures.mjs';
import { login, call, accept, waitState, waitFramesFlowing } from './lib/parley.mjs';
import { decode, lumaFromRGBA, bandHeight } from '../../bench/web/stamp.mjs';

const parleyBin = path.join(repoRoot, 'bin/parley');

/** @type {import('./lib/signal.mjs').Signal} */
let signal;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('./lib/fixtures.mjs').FixtureServer} */
let fixtures;
/** @type {string} */
let dir;

before(async () => {
  if (!existsSync(parleyBin)) throw new Error(`${parleyBin} is missing: run "make build" first`);
  dir = await mkdtemp(path.join(tmpdir(), 'parley-engine-e2e-'));
  fixtures = await startFixtureServer();
  signal = await startSignal({ args: ['--allow-origin', fixtures.host] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await signal?.stop();
  await fixtures?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * Starts the headless Go peer. Its event lines and stderr are kept for
 * failure messages; result() waits for it to exit and returns the exit code
 * and the parsed --stats-json.
 * @param {string[]} args
 */
function startGoPeer(name, args) {
  const statsFile = path.join(dir, `${name}.json`);
  const proc = spawn(parleyBin, ['--headless', '--server', signal.wsURL, '--name', name, '--fake-media', '--width', '320', '--height', '240', '--wait', '60s', '--stats-json', statsFile, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout?.on('data', (d) => (output += d));
  proc.stderr?.on('data', (d) => (output += d));
  const exited = once(proc, 'exit');
  return {
    log: () => output,
    kill: () => proc.kill('SIGKILL'),
    /** @returns {Promise<{code: number | null, stats: any}>} */
    async result() {
      const [code] = await exited;
      const stats = existsSync(statsFile) ? JSON.parse(await readFile(statsFile, 'utf8')) : null;
      return { code, stats };
    },
  };
}

/**
 * Checks the Go peer's result: exit 0, and the browser's video decoded at
 * a real size.
 * @param {{code: number | null, stats: any}} r
 * @param {string} log
 */
function assertGoDecoded(r, log) {
  assert.equal(r.code, 0, `the Go peer failed:\n${log}`);
  assert.ok(r.stats.connected, 'the Go peer connected');
  assert.ok(r.stats.framesDecoded >= 30, `the Go peer decoded ${r.stats.framesDecoded} frames`);
  assert.ok(r.stats.width > 0 && r.stats.height > 0, `decoded size ${r.stats.width}x${r.stats.height}`);
  assert.ok(r.stats.audioPacketsDecoded > 0, 'the Go peer decoded the browser\'s sound');
}

/**
 * Reads the test camera's stamp (app/media/stamp) from the picture the
 * browser shows in #received_video; null when none is readable.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{camera: number, seq: number} | null>}
 */
async function shownStamp(page) {
  const band = await page.evaluate(() => {
    const v = /** @type {HTMLVideoElement} */ (document.getElementById('received_video'));
    if (!v || v.videoWidth === 0) return null;
    const rows = Math.min(v.videoHeight, Math.ceil((3 * v.videoWidth) / 40) + 1);
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = rows;
    const ctx = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d'));
    ctx.drawImage(v, 0, 0, v.videoWidth, rows, 0, 0, v.videoWidth, rows);
    return { width: v.videoWidth, rows, rgba: Array.from(ctx.getImageData(0, 0, v.videoWidth, rows).data) };
  });
  if (!band || band.rows < bandHeight(band.width)) return null;
  const code = decode(lumaFromRGBA(band.rgba), band.width, band.rows, band.width);
  return code ? { camera: code.camera, seq: code.seq } : null;
}

test('the Go engine calls Parley\'s browser client: video both ways', async () => {
  await withOneRetry(async (attempt) => {
    const B = await openPage(browser, signal.url);
    let go;
    try {
      const nameB = await login(B.page, `web-callee-${attempt}`);
      go = startGoPeer(`go-caller-${attempt}`, ['--call', nameB, '--duration', '6s']);
      await waitState(B.page, 'ringing', 30000);
      await accept(B.page);
      await waitState(B.page, 'in-call');
      const flow = await waitFramesFlowing(B.page);
      assert.equal(flow.width, 320, 'the browser shows the Go camera at its size');
      assertGoDecoded(await go.result(), go.log());
    } finally {
      go?.kill();
      await B.context.close();
    }
  });
});

test('Parley\'s browser client calls the Go engine: video both ways', async () => {
  await withOneRetry(async (attempt) => {
    const B = await openPage(browser, signal.url);
    const go = startGoPeer(`go-callee-${attempt}`, ['--auto-answer', '--duration', '6s']);
    try {
      await login(B.page, `web-caller-${attempt}`);
      await call(B.page, `go-callee-${attempt}`);
      await waitState(B.page, 'in-call', 30000);
      await waitFramesFlowing(B.page);
      assertGoDecoded(await go.result(), go.log());
    } finally {
      go.kill();
      await B.context.close();
    }
  });
});

test('the Go engine switches camera mid-call and the browser keeps decoding, with no renegotiation', async () => {
  await withOneRetry(async (attempt) => {
    const B = await openPage(browser, signal.url);
    let go;
    try {
      const nameB = await login(B.page, `web-switch-${attempt}`);
      go = startGoPeer(`go-switch-${attempt}`, ['--call', nameB, '--duration', '8s', '--camera', 'Parley Test Camera A', '--switch-camera', 'Parley Test Camera B']);
      await waitState(B.page, 'ringing', 30000);
      await accept(B.page);
      await waitState(B.page, 'in-call');
      await waitFramesFlowing(B.page);
      const sdpBefore = await B.page.evaluate(() => window.parley.pc?.remoteDescription?.sdp);
      await waitFor(async () => (await shownStamp(B.page))?.camera === 1, { timeout: 10000, what: 'camera A (stamp id 1) in the browser' });
      await waitFor(() => go.log().includes('camera {"name":"Parley Test Camera B"}'), { timeout: 15000, what: 'the Go peer to switch camera' });
      // The browser shows the new camera's pattern, on the same sender.
      await waitFor(async () => (await shownStamp(B.page))?.camera === 2, { timeout: 10000, what: 'camera B (stamp id 2) in the browser' });
      await waitFramesFlowing(B.page, { timeout: 5000 });
      const sdpAfter = await B.page.evaluate(() => window.parley.pc?.remoteDescription?.sdp);
      assert.equal(sdpAfter, sdpBefore, 'the switch did not renegotiate');
      assertGoDecoded(await go.result(), go.log());
    } finally {
      go?.kill();
      await B.context.close();
    }
  });
});

test('the MDN client calls the Go engine, which accepts its renegotiation', async () => {
  await withOneRetry(async (attempt) => {
    const go = startGoPeer(`go-mdn-callee-${attempt}`, ['--auto-answer', '--duration', '6s']);
    const M = await openMDNClient(browser, fixtures, signal.wsURL, `mdn-caller-${attempt}`);
    try {
      await mdnCall(M.page, `go-mdn-callee-${attempt}`);
      await waitFramesFlowing(M.page, { timeout: 30000 });
      assertGoDecoded(await go.result(), go.log());
    } finally {
      go.kill();
      await M.context.close();
    }
  });
});

test('the Go engine calls the MDN client, which answers and re-offers', async () => {
  await withOneRetry(async (attempt) => {
    const M = await openMDNClient(browser, fixtures, signal.wsURL, `mdn-callee-${attempt}`);
    let go;
    try {
      go = startGoPeer(`go-mdn-caller-${attempt}`, ['--call', M.name, '--duration', '6s']);
      await waitFramesFlowing(M.page, { timeout: 30000 });
      // The MDN client renegotiated (its tracks ride new transceivers), and
      // the Go side answered: its picture arrives on those.
      const transceivers = await M.page.evaluate(() => /** @type {any} */ (window).pc?.getTransceivers().length ?? 0);
      assert.ok(transceivers > 2, `the MDN client renegotiated (transceivers: ${transceivers})`);
      assertGoDecoded(await go.result(), go.log());
      // The Go peer hung up at the end; the MDN client closes its call.
      await waitFor(() => M.page.evaluate(() => /** @type {any} */ (window).pc === null), { what: 'the MDN client to close the call' });
    } finally {
      go?.kill();
      await M.context.close();
    }
  });
});
