// The desktop window's real frontend (frontend/) in headless Chromium, fed
// by the REAL Go frame bridge (app/bridge/cmd/bridge-demo pushes moving
// synthetic I420 frames at 30 fps). The engine's side of the UI contract is
// a recording test backend injected as globalThis.parleyBackend; tests emit
// its events and check what the page calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { waitFor } from './lib/signal.mjs';
import { changedPixels } from './lib/desktop.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const frontendDir = path.join(root, 'frontend');
const sharedDir = path.join(root, 'web/shared');
const REMOTE = 1;
const LOCAL = 2;

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {http.Server} */
let server;
let origin = '';
let tmp = '';
let demoBin = '';
/** @type {{ url: string, stop: () => Promise<void> }} */
let demo;

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * Serves frontend/ as Wails' asset server would, with the shared modules
 * (web/shared) under /shared/ (app/desktop), read-only, nothing outside them.
 */
function serveFrontend() {
  return new Promise((resolve) => {
    const s = http.createServer(async (req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const rel = u.pathname === '/' ? 'index.html' : decodeURIComponent(u.pathname).replace(/^\/+/, '');
      const [dir, inDir] = rel.startsWith('shared/') ? [sharedDir, rel.slice('shared/'.length)] : [frontendDir, rel];
      const file = path.resolve(dir, inDir);
      // web/shared embeds only its .js files, not its Go.
      if (!file.startsWith(dir + path.sep) || (dir === sharedDir && !file.endsWith('.js'))) { res.writeHead(403).end(); return; }
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

/**
 * Starts bridge-demo allowing the test page's origin; resolves with its URL.
 * @param {string[]} [extra]  more bridge-demo flags
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
function startDemo(extra = []) {
  return new Promise((resolve, reject) => {
    const p = spawn(demoBin, ['-origins', origin, '-width', '640', '-height', '360', '-fps', '30', ...extra], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise((r) => p.once('exit', r));
    p.once('error', reject);
    const lines = readline.createInterface({ input: p.stdout });
    lines.once('line', (line) => {
      const { url } = JSON.parse(line);
      // Closing stdin is the demo's signal to stop.
      resolve({ url, stop: async () => { p.stdin.end(); await exited; } });
    });
    setTimeout(() => reject(new Error('bridge-demo printed no URL in 20 s')), 20000).unref();
  });
}

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'parley-frontend-'));
  demoBin = path.join(tmp, 'bridge-demo');
  execFileSync('go', ['build', '-o', demoBin, './app/bridge/cmd/bridge-demo'], { cwd: root, stdio: 'inherit', timeout: 180000 });
  server = await serveFrontend();
  origin = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
  demo = await startDemo();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  });
});

after(async () => {
  await browser?.close();
  await demo?.stop();
  server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/**
 * The test backend: implements every method of the UI contract by recording
 * the call and answering from __test.answers; events are emitted by tests.
 * Runs in the page before its modules.
 * @param {{ bridgeURL: string }} cfg
 */
function testBackend(cfg) {
  /** @type {Map<string, Set<(p: any) => void>>} */
  const listeners = new Map();
  /** @type {any[][]} */
  const calls = [];
  const t = {
    calls,
    bridgeURL: cfg.bridgeURL,
    answers: /** @type {Record<string, any>} */ ({
      Snapshot: () => ({ signaling: { status: 'online', server: 'wss://signal.test' }, name: 'tester', users: ['tester', 'Bob'],
        call: { state: 'idle', since: Date.now() }, muted: false, cameraOff: false, settingsWarning: null, displayName: 'tester' }),
      Login: (/** @type {string} */ n) => n,
      FrameBridgeURL: () => t.bridgeURL,
      GetSettings: () => ({ version: 1, camera: 'Test Camera', resolution: '720p', frameRate: 30, microphone: '', speaker: '',
        displayName: 'tester', signalingUrl: '', iceServers: [{ urls: ['stun:stun.test:3478'] }], discovery: true,
        echoCancellation: true, noiseSuppression: true, autoGainControl: true }),
      ListDevices: () => ({ cameras: [{ name: 'Test Camera', isDefault: true }, { name: 'usb-0000:00:14.0-2', label: 'Other Camera', isDefault: false }],
        microphones: [{ name: 'Test Mic', isDefault: true }], speakers: [{ name: 'Test Speaker', isDefault: true }] }),
      ServerInfo: () => ({ embedded: true, links: ['https://192.0.2.5:6503/?fp=abcdef'], fingerprint: 'AB:CD:EF', host: '', firstJoin: false, discovery: true }),
      SaveSettings: () => null,
    }),
    /** @param {string} name @param {any} payload */
    emit(name, payload) { for (const cb of listeners.get(name) ?? []) cb(payload); },
    listeners,
  };
  const methods = ['Snapshot', 'Login', 'Reconnect', 'Call', 'Accept', 'Decline', 'HangUp', 'SetMuted', 'SetCameraOff',
    'SendChat', 'GetSettings', 'SaveSettings', 'ListDevices', 'PreviewDevices', 'FrameBridgeURL', 'ServerInfo', 'JoinLink', 'PlayTestSound', 'CopyText'];
  /** @type {Record<string, any>} */
  const b = {
    /** @param {string} name @param {(p: any) => void} cb */
    on(name, cb) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)?.add(cb);
      return () => listeners.get(name)?.delete(cb);
    },
  };
  for (const m of methods) {
    b[m] = (/** @type {any[]} */ ...args) => {
      if (m !== 'FrameBridgeURL') calls.push([m, ...args]);
      const a = t.answers[m];
      return Promise.resolve(typeof a === 'function' ? a(...args) : a);
    };
  }
  /** @type {any} */ (globalThis).__test = t;
  /** @type {any} */ (globalThis).parleyBackend = b;
}

/**
 * Opens the window's page with the test backend; page errors fail the test.
 * @param {string} [query]
 * @param {string} [bridgeURL]  another bridge than the shared demo's
 */
async function openWindow(query = '', bridgeURL = demo.url) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.addInitScript(testBackend, { bridgeURL });
  await page.goto(`${origin}/index.html${query}`);
  await page.waitForFunction(() => /** @type {any} */ (globalThis).parleyVideo && /** @type {any} */ (globalThis).__test.calls.some((c) => c[0] === 'Snapshot'));
  return { page, problems };
}

/**
 * Samples a canvas at 64×36 through a 2D canvas.
 * @param {import('playwright-core').Page} page
 * @param {string} id
 */
function sample(page, id) {
  return page.evaluate((id) => {
    const src = /** @type {HTMLCanvasElement} */ (document.getElementById(id));
    const t = document.createElement('canvas');
    t.width = 64;
    t.height = 36;
    const g = /** @type {CanvasRenderingContext2D} */ (t.getContext('2d'));
    g.drawImage(src, 0, 0, 64, 36);
    const d = g.getImageData(0, 0, 64, 36).data;
    let sum = 0;
    /** @type {number[]} */
    const px = [];
    for (let i = 0; i < d.length; i += 4) {
      sum += d[i] + d[i + 1] + d[i + 2];
      px.push(d[i], d[i + 1], d[i + 2]);
    }
    return { mean: sum / (d.length / 4) / 3, px, width: src.width, height: src.height };
  }, id);
}

/**
 * @param {import('playwright-core').Page} page
 * @param {number} stream
 * @param {number} n
 */
async function waitDrawn(page, stream, n) {
  await page.waitForFunction(([s, n]) => /** @type {any} */ (globalThis).parleyVideo.counters[s].drawn >= n, [stream, n], { timeout: 20000 });
}

/** @param {import('playwright-core').Page} page @param {string} name @param {any} payload */
function emit(page, name, payload) {
  return page.evaluate(([n, p]) => /** @type {any} */ (globalThis).__test.emit(n, p), [name, payload]);
}

/** @param {import('playwright-core').Page} page @param {string} method */
async function callsOf(page, method) {
  return page.evaluate((m) => /** @type {any} */ (globalThis).__test.calls.filter((/** @type {any[]} */ c) => c[0] === m), method);
}

/** @param {import('playwright-core').Page} page @param {string} method @param {number} [n] */
async function waitCalled(page, method, n = 1) {
  await page.waitForFunction(([m, n]) => /** @type {any} */ (globalThis).__test.calls.filter((/** @type {any[]} */ c) => c[0] === m).length >= n, [method, n], { timeout: 10000 });
}

// No query: the renderer this web view prefers, WebGL outside WebKitGTK.
for (const [label, query, kind] of [['preferred: WebGL in Chromium', '', 'webgl'], ['2D, as WebKitGTK prefers', '?renderer=2d', '2d']]) {
  test(`draws the bridge's moving frames (${label})`, async () => {
    const { page, problems } = await openWindow(query);
    await emit(page, 'state', { state: 'in-call', peer: 'Bob', since: Date.now() });
    await waitDrawn(page, REMOTE, 10);
    await waitDrawn(page, LOCAL, 10);
    const got = await page.evaluate(() => {
      const v = /** @type {any} */ (globalThis).parleyVideo;
      return { kind: v.kindOf(document.getElementById('received_video')), r: v.counters[1], s: v.stream.counters };
    });
    // Headless Chromium without a GPU still offers WebGL (SwiftShader), as
    // WebKitGTK does with its GPU policy set to Never.
    assert.equal(got.kind, kind);
    const a = await sample(page, 'received_video');
    assert.equal(a.width, 640);
    assert.equal(a.height, 360);
    assert.ok(a.mean > 30, `received_video is black (mean ${a.mean})`);
    // The picture moves: poll until it differs (a busy machine may draw late).
    const moved = await waitFor(
      async () => {
        const n = changedPixels(a.px, (await sample(page, 'received_video')).px);
        return n > 20 ? n : 0;
      },
      { timeout: 15000, interval: 200, what: 'received_video to change' },
    ).catch(() => 0);
    assert.ok(moved > 20, 'received_video did not change within 15 s');
    const local = await sample(page, 'local_video');
    // The bridge sends the 320-pixel camera at the size the corner shows
    // it, and either renderer draws it at that size.
    const shown = await page.evaluate(() => /** @type {any} */ (globalThis).parleyVideo.shownWidths.get(document.getElementById('local_video')));
    const want = Math.min(320, shown);
    assert.ok(local.mean > 30 && local.width === want, `local preview: mean ${local.mean}, width ${local.width}, want ${want}`);
    // The header's capture time gives the latency: bridge-demo stamps
    // frames when it makes them, on this machine's clock.
    assert.ok(Number.isFinite(got.r.lastLatencyMs) && got.r.lastLatencyMs >= 0 && got.r.lastLatencyMs < 5000, `latency ${got.r.lastLatencyMs}`);
    assert.ok(got.s.received >= got.r.drawn && got.s.rejected === 0, JSON.stringify(got.s));
    // The send time is stamped when the bridge writes to this socket.
    assert.ok(got.s.lastTransitMs >= -1 && got.s.lastTransitMs < 5000, `transit ${got.s.lastTransitMs}`);
    // Steady state, after page load and shader compilation: informative
    // figures for the log, not a pass/fail threshold.
    const lat = await page.evaluate(async () => {
      const v = /** @type {any} */ (globalThis).parleyVideo;
      v.counters[1].latencies.length = 0;
      const drawn0 = v.counters[1].drawn;
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 3000));
      const fps = ((v.counters[1].drawn - drawn0) * 1000) / (performance.now() - t0);
      const l = [...v.counters[1].latencies].sort((x, y) => x - y);
      return { fps, n: l.length, p50: l[Math.floor(l.length / 2)], p95: l[Math.floor(l.length * 0.95)] };
    });
    console.log(`${label}: renderer ${got.kind}, 640x360 from the bridge: ${lat.fps.toFixed(1)} fps drawn, capture→draw p50 ${lat.p50.toFixed(1)} ms, p95 ${lat.p95.toFixed(1)} ms over ${lat.n} frames`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test("the peer's picture is drawn on arrival, and the preview with it, without waiting for a display frame", async () => {
  const { page, problems } = await openWindow();
  // No display frames from here on: whatever is still drawn is drawn on
  // arrival. (Before the call only the preview flows, drawn in display frames.)
  const before = await page.evaluate(() => {
    const g = /** @type {any} */ (globalThis);
    g.requestAnimationFrame = () => 0;
    g.cancelAnimationFrame = () => {};
    return { remote: g.parleyVideo.counters[1].drawn, local: g.parleyVideo.counters[2].drawn };
  });
  await emit(page, 'state', { state: 'in-call', peer: 'Bob', since: Date.now() });
  await waitDrawn(page, REMOTE, before.remote + 10);
  await waitDrawn(page, LOCAL, before.local + 10);
  assert.deepEqual(problems, []);
  await page.close();
});

test('each stream comes at the size its pane shows it, and not at all when hidden', async () => {
  const big = await startDemo(['-local-width', '1280', '-local-height', '720']);
  try {
    const { page, problems } = await openWindow('', big.url);
    await emit(page, 'state', { state: 'in-call', peer: 'Bob', since: Date.now() });
    await waitDrawn(page, LOCAL, 5);
    // The corner preview shows the 1280×720 camera at a fraction of its
    // size, and the bridge sends it at exactly that size.
    const got = await page.waitForFunction(() => {
      const v = /** @type {any} */ (globalThis).parleyVideo;
      const box = /** @type {HTMLElement} */ (document.getElementById('local_video')).getBoundingClientRect();
      const shown = Math.ceil(box.width * devicePixelRatio);
      const w = v.counters[2].width;
      return w < 1280 && { w, shown };
    }, undefined, { timeout: 20000 }).then((h) => h.jsonValue());
    assert.equal(got.w, got.shown, `preview ${got.w} px wide for a pane ${got.shown} px wide`);
    const local = await sample(page, 'local_video');
    // The canvas itself is only as wide as the pane shows it.
    assert.ok(local.mean > 30 && local.width === got.shown, `local preview: mean ${local.mean}, width ${local.width}, shown ${got.shown}`);
    // The remote pane is large: full size.
    assert.equal(await page.evaluate(() => /** @type {any} */ (globalThis).parleyVideo.counters[1].width), 640);

    // Camera off hides the preview: its frames stop while the remote's go on.
    /** @returns {Promise<{ local: number, remote: number }>} */
    const received = () => page.evaluate(() => {
      const v = /** @type {any} */ (globalThis).parleyVideo;
      return { local: v.counters[2].drawn + v.counters[2].skipped, remote: v.counters[1].drawn + v.counters[1].skipped };
    });
    await page.evaluate(() => document.body.setAttribute('data-camera-off', 'true'));
    await page.waitForTimeout(1000); // the view message and frames in flight
    const a = await received();
    await page.waitForTimeout(1500);
    const b = await received();
    assert.equal(b.local, a.local, 'preview frames still arrive while the preview is hidden');
    assert.ok(b.remote > a.remote + 10, `remote frames stopped too: ${a.remote} → ${b.remote}`);
    const startedBefore = await page.evaluate(() => /** @type {any} */ (globalThis).parleyVideo.counters[2].startedAt);
    await page.evaluate(() => document.body.removeAttribute('data-camera-off'));
    await waitDrawn(page, LOCAL, (await page.evaluate(() => /** @type {any} */ (globalThis).parleyVideo.counters[2].drawn)) + 10);
    // Shown again, the stream started again (what ends call setup in
    // benchmarks), even when it was hidden for less than a second.
    const startedAfter = await page.evaluate(() => /** @type {any} */ (globalThis).parleyVideo.counters[2].startedAt);
    assert.ok(startedAfter > startedBefore, `startedAt ${startedBefore} → ${startedAfter}`);
    await page.evaluate(() => document.body.setAttribute('data-camera-off', 'true'));
    await page.waitForTimeout(300);
    await page.evaluate(() => document.body.removeAttribute('data-camera-off'));
    await waitDrawn(page, LOCAL, (await page.evaluate(() => /** @type {any} */ (globalThis).parleyVideo.counters[2].drawn)) + 10);
    const startedBlink = await page.evaluate(() => /** @type {any} */ (globalThis).parleyVideo.counters[2].startedAt);
    assert.ok(startedBlink > startedAfter, `after a short hide: startedAt ${startedAfter} → ${startedBlink}`);
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    await big.stop();
  }
});

test("the peer's pane takes pictures from connecting on, and a new call never shows the last one's", async () => {
  const { page, problems } = await openWindow();
  /** @returns {Promise<{ empty: boolean, opacity: string, visibility: string, drawn: number }>} */
  const pane = () => page.evaluate(() => {
    const c = /** @type {HTMLCanvasElement} */ (document.getElementById('received_video'));
    const st = getComputedStyle(c);
    return { empty: 'empty' in c.dataset, opacity: st.opacity, visibility: st.visibility, drawn: /** @type {any} */ (globalThis).parleyVideo.counters[1].drawn };
  });
  // Before any call the pane is hidden.
  assert.equal((await pane()).visibility, 'hidden');
  // Connecting: the pane asks for the peer's picture and shows the first
  // one as soon as it is drawn, without waiting for "in-call".
  // (Pictures that came before the page's first view message were drawn
  // into the hidden pane and counted, but left it blank: wait for the
  // pane itself.)
  await emit(page, 'state', { state: 'connecting', peer: 'Bob', since: Date.now() });
  await page.waitForFunction(() => !('empty' in /** @type {HTMLCanvasElement} */ (document.getElementById('received_video')).dataset), undefined, { timeout: 20000 });
  const connecting = await pane();
  assert.equal(connecting.visibility, 'visible');
  assert.ok(!connecting.empty && connecting.opacity === '1', `pane after its first picture: ${JSON.stringify(connecting)}`);
  // The call ends: the pane forgets the picture.
  await emit(page, 'state', { state: 'ended', peer: 'Bob', reason: 'hang-up', since: Date.now() });
  await emit(page, 'state', { state: 'idle', since: Date.now() });
  await page.waitForFunction(() => 'empty' in /** @type {HTMLCanvasElement} */ (document.getElementById('received_video')).dataset, undefined, { timeout: 5000 });
  // The next call shows nothing until its own first picture is drawn.
  await page.evaluate(() => {
    const c = /** @type {HTMLCanvasElement} */ (document.getElementById('received_video'));
    const v = /** @type {any} */ (globalThis).parleyVideo;
    /** @type {any} */ (globalThis).__shownBeforeDraw = false;
    const from = v.counters[1].drawn;
    new MutationObserver(() => {
      if (!('empty' in c.dataset) && v.counters[1].drawn === from) /** @type {any} */ (globalThis).__shownBeforeDraw = true;
    }).observe(c, { attributes: true });
  });
  const before = (await pane()).drawn;
  await emit(page, 'state', { state: 'connecting', peer: 'Carol', since: Date.now() });
  await waitDrawn(page, REMOTE, before + 3);
  assert.equal((await pane()).opacity, '1');
  assert.equal(await page.evaluate(() => /** @type {any} */ (globalThis).__shownBeforeDraw), false, 'the pane was unblanked before a new picture was drawn');
  assert.deepEqual(problems, []);
  await page.close();
});

test('both renderers convert BT.601 limited range correctly', async () => {
  const { page, problems } = await openWindow();
  const results = await page.evaluate(async () => {
    const { createRenderer } = await import('/js/i420.js');
    // 2×2 frames of one colour: Y, U, V → expected RGB.
    const cases = [
      { yuv: [235, 128, 128], rgb: [255, 255, 255] },
      { yuv: [16, 128, 128], rgb: [0, 0, 0] },
      { yuv: [81, 90, 240], rgb: [255, 0, 0] },
      { yuv: [145, 54, 34], rgb: [0, 255, 0] },
      { yuv: [41, 240, 110], rgb: [0, 0, 255] },
    ];
    /** @type {any[]} */
    const out = [];
    for (const renderer of /** @type {const} */ (['webgl', '2d'])) {
      for (const c of cases) {
        const canvas = document.createElement('canvas');
        const r = createRenderer(canvas, { renderer });
        const [y, u, v] = c.yuv;
        r.draw({ stream: 1, seq: 1, width: 2, height: 2, captured: 0, sent: 0,
          y: new Uint8Array(4).fill(y), u: new Uint8Array(1).fill(u), v: new Uint8Array(1).fill(v) });
        const t = document.createElement('canvas');
        t.width = 2;
        t.height = 2;
        const g = /** @type {CanvasRenderingContext2D} */ (t.getContext('2d'));
        g.drawImage(canvas, 0, 0);
        out.push({ kind: r.kind, want: c.rgb, got: Array.from(g.getImageData(0, 0, 1, 1).data.slice(0, 3)) });
      }
    }
    return out;
  });
  for (const r of results) {
    for (let i = 0; i < 3; i++) {
      assert.ok(Math.abs(r.got[i] - r.want[i]) <= 4, `${r.kind}: got ${r.got}, want ${r.want}`);
    }
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('the 2D conversion equals the BT.601 formula on every pixel, odd sizes included', async () => {
  const { page, problems } = await openWindow();
  const bad = await page.evaluate(async () => {
    const { i420ToRGBA } = await import('/js/i420.js');
    /** @type {string[]} */
    const bad = [];
    for (const [w, h] of [[7, 5], [1, 1], [2, 3], [976, 549]]) {
      const cw = (w + 1) >> 1;
      const ch = (h + 1) >> 1;
      let seed = w * 31 + h;
      const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      const f = { stream: 1, seq: 1, width: w, height: h, captured: 0, sent: 0,
        y: Uint8Array.from({ length: w * h }, rnd), u: Uint8Array.from({ length: cw * ch }, rnd), v: Uint8Array.from({ length: cw * ch }, rnd) };
      const out = new Uint8ClampedArray(w * h * 4);
      i420ToRGBA(f, out);
      const clamp = (/** @type {number} */ x) => Math.max(0, Math.min(255, x));
      for (let i = 0; i < w * h && bad.length < 5; i++) {
        const c = ((i / w) >> 1) * cw + ((i % w) >> 1);
        const y = (f.y[i] - 16) * 76309;
        const u = f.u[c] - 128;
        const v = f.v[c] - 128;
        const want = [clamp((y + 104597 * v) >> 16), clamp((y - 25675 * u - 53279 * v) >> 16), clamp((y + 132201 * u) >> 16), 255];
        const got = Array.from(out.subarray(i * 4, i * 4 + 4));
        if (got.join() !== want.join()) bad.push(`${w}x${h} pixel ${i}: got ${got}, want ${want}`);
      }
    }
    return bad;
  });
  assert.deepEqual(bad, []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('WebKitGTK prefers the 2D renderer, other web views WebGL', async () => {
  const { preferredRenderer } = await import('../../frontend/js/i420.js');
  const cases = {
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15 wails.io': '2d',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36': 'webgl',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0': 'webgl',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)': 'webgl',
  };
  for (const [ua, want] of Object.entries(cases)) assert.equal(preferredRenderer(ua), want, ua);
});

test('drawing resumes after the WebGL context is lost and restored', async () => {
  const { page, problems } = await openWindow('?renderer=webgl');
  await emit(page, 'state', { state: 'in-call', peer: 'Bob', since: Date.now() });
  await waitDrawn(page, REMOTE, 5);
  await page.evaluate(async () => {
    const c = /** @type {HTMLCanvasElement} */ (document.getElementById('received_video'));
    const ext = /** @type {WebGLRenderingContext} */ (c.getContext('webgl')).getExtension('WEBGL_lose_context');
    if (!ext) throw new Error('no WEBGL_lose_context');
    const restored = new Promise((r) => c.addEventListener('webglcontextrestored', r, { once: true }));
    ext.loseContext();
    await new Promise((r) => setTimeout(r, 100));
    ext.restoreContext();
    await restored;
    // Clear what is on the canvas so that only new drawing can pass.
    const gl = /** @type {WebGLRenderingContext} */ (c.getContext('webgl'));
    gl.clearColor(0, 0, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
  });
  const before = await page.evaluate(() => /** @type {any} */ (globalThis).parleyVideo.counters[1].drawn);
  await waitDrawn(page, REMOTE, before + 5);
  const px = await sample(page, 'received_video');
  assert.ok(px.mean > 30, `black after the context came back (mean ${px.mean})`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('reconnects to a restarted bridge', async () => {
  const { page, problems } = await openWindow();
  // Outside a call the remote pane is hidden, and the bridge sends it nothing.
  await emit(page, 'state', { state: 'in-call', peer: 'Bob', since: Date.now() });
  await waitDrawn(page, REMOTE, 5);
  const old = demo;
  demo = await startDemo();
  await old.stop();
  await page.evaluate((u) => { /** @type {any} */ (globalThis).__test.bridgeURL = u; }, demo.url);
  await page.waitForFunction(() => /** @type {any} */ (globalThis).parleyVideo.stream.counters.connects >= 2, null, { timeout: 20000 });
  const before = await page.evaluate(() => /** @type {any} */ (globalThis).parleyVideo.counters[1].drawn);
  await waitDrawn(page, REMOTE, before + 10);
  assert.deepEqual(problems, []);
  await page.close();
});

test('names and chat from others render as text, never markup', async () => {
  const { page, problems } = await openWindow();
  const evil = '<img src=x onerror="globalThis.__xss=1">';
  await emit(page, 'users', { users: ['tester', evil, 'Bob'] });
  await emit(page, 'chat', { from: evil, text: `${evil}<script>globalThis.__xss=2</script>`, at: new Date().toISOString() });
  // As the engine does: the ringing state (which names the caller), then incoming-call.
  await emit(page, 'state', { state: 'ringing', peer: evil, since: Date.now() });
  await emit(page, 'incoming-call', { from: evil });
  await page.waitForSelector('#incoming[open]');
  await page.waitForTimeout(300);
  const r = await page.evaluate(() => ({
    xss: /** @type {any} */ (globalThis).__xss,
    imgs: document.querySelectorAll('#users img, #chat-log img, #incoming img').length,
    users: document.getElementById('users')?.textContent,
    chat: document.getElementById('chat-log')?.textContent,
    caller: document.getElementById('incoming-caller')?.textContent,
  }));
  assert.equal(r.xss, undefined);
  assert.equal(r.imgs, 0);
  assert.ok(r.users?.includes(evil), r.users);
  assert.ok(r.chat?.includes(evil), r.chat);
  assert.equal(r.caller, evil);
  assert.deepEqual(problems, []);
  await page.close();
});

test('users: yourself marked, search filters, click calls', async () => {
  const { page, problems } = await openWindow();
  // Online under a name: the join form gives way to the status line.
  assert.equal(await page.textContent('#signaling-status'), 'Online as tester');
  assert.ok(await page.locator('#login-form').isHidden(), 'the join form shows while online');
  await emit(page, 'users', { users: ['tester', 'Bob', 'Alice', 'Bobby'] });
  assert.equal(await page.locator('#users .self .user-name').textContent(), 'tester');
  assert.equal(await page.locator('#users .self button').count(), 0);
  await page.fill('#user-search', 'bob');
  assert.deepEqual(await page.locator('#users .user-name').allTextContents(), ['Bob', 'Bobby']);
  await page.click('#users button[title="Call Bobby"]');
  await waitCalled(page, 'Call');
  assert.deepEqual(await callsOf(page, 'Call'), [['Call', 'Bobby']]);
  await emit(page, 'state', { state: 'calling', peer: 'Bobby', since: Date.now() });
  assert.equal(await page.textContent('#call-state'), 'Calling Bobby…');
  assert.ok(await page.locator('#users button[title="Call Bob"]').isDisabled(), 'call buttons stay enabled during a call');
  assert.deepEqual(problems, []);
  await page.close();
});

test('incoming call: dialog, Accept, closes when answered', async () => {
  const { page, problems } = await openWindow();
  await emit(page, 'state', { state: 'ringing', peer: 'Bob', since: Date.now() });
  await emit(page, 'incoming-call', { from: 'Bob' });
  await page.waitForSelector('#incoming[open]');
  assert.equal(await page.textContent('#incoming-caller'), 'Bob');
  await page.click('#incoming [data-act=accept]');
  await waitCalled(page, 'Accept');
  assert.equal(await page.locator('#incoming[open]').count(), 0);
  // A second call that the caller cancels closes the dialog by state.
  await emit(page, 'state', { state: 'connecting', peer: 'Bob', since: Date.now() });
  await emit(page, 'state', { state: 'ended', peer: 'Bob', reason: 'hang-up', since: Date.now() });
  await emit(page, 'state', { state: 'idle', since: Date.now() });
  await emit(page, 'state', { state: 'ringing', peer: 'Carol', since: Date.now() });
  await emit(page, 'incoming-call', { from: 'Carol' });
  await page.waitForSelector('#incoming[open]');
  await emit(page, 'state', { state: 'ended', peer: 'Carol', reason: 'hang-up', since: Date.now() });
  await emit(page, 'state', { state: 'idle', since: Date.now() });
  await page.waitForSelector('#incoming[open]', { state: 'detached' });
  assert.equal(await page.textContent('#call-state'), 'Carol hung up.');
  assert.equal((await callsOf(page, 'Decline')).length, 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('controls and keyboard shortcuts', async () => {
  const { page, problems } = await openWindow();
  await emit(page, 'state', { state: 'in-call', peer: 'Bob', since: Date.now() - 65000 });
  assert.match(await page.textContent('#call-state') ?? '', /^In a call with Bob · 1:0[5-9]$/);
  await page.keyboard.press('m');
  await waitCalled(page, 'SetMuted');
  await page.waitForSelector('#btn-mute[aria-pressed="true"]');
  await page.keyboard.press('v');
  await waitCalled(page, 'SetCameraOff');
  await page.waitForSelector('#btn-camera[aria-pressed="true"]');
  assert.ok(await page.locator('#local_video').isHidden(), 'the preview stays visible with the camera off');
  await page.click('#btn-mute');
  await waitCalled(page, 'SetMuted', 2);
  assert.deepEqual(await callsOf(page, 'SetMuted'), [['SetMuted', true], ['SetMuted', false]]);
  // Typing in the chat box is not a shortcut.
  await page.click('#chat-input');
  await page.keyboard.type('mv');
  assert.equal((await callsOf(page, 'SetMuted')).length, 2);
  await page.keyboard.press('Enter');
  await waitCalled(page, 'SendChat');
  assert.deepEqual(await callsOf(page, 'SendChat'), [['SendChat', 'mv']]);
  await page.keyboard.press('Control+e');
  await waitCalled(page, 'HangUp');
  // A second hang-up before the engine reports the end is not sent.
  await page.keyboard.press('Control+e');
  await page.waitForTimeout(200);
  assert.equal((await callsOf(page, 'HangUp')).length, 1);
  await emit(page, 'state', { state: 'in-call', peer: 'Carol', since: Date.now() });
  await page.click('#btn-stats');
  await page.keyboard.press('Escape'); // closes the stats panel first
  assert.ok(await page.locator('#stats').isHidden());
  assert.equal((await callsOf(page, 'HangUp')).length, 1);
  await page.keyboard.press('Escape');
  await waitCalled(page, 'HangUp', 2);
  // The native menu's items arrive as "menu" events and share the buttons' path.
  await emit(page, 'menu', 'toggle-mute');
  await waitCalled(page, 'SetMuted', 3);
  assert.deepEqual((await callsOf(page, 'SetMuted')).at(-1), ['SetMuted', true]);
  await emit(page, 'menu', 'settings');
  await page.locator('#settings').waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('errors become toasts the user can act on', async () => {
  const { page, problems } = await openWindow();
  await emit(page, 'error', { code: 'signaling', text: 'dial tcp 127.0.0.1:6503: connection refused' });
  const toast = page.locator('.toast', { hasText: 'Cannot reach the Parley server' });
  await toast.waitFor();
  assert.ok((await toast.textContent())?.includes('connection refused'));
  await toast.locator('button', { hasText: 'Retry' }).click();
  await waitCalled(page, 'Reconnect');
  await emit(page, 'state', { state: 'ended', peer: 'Bob', reason: 'failed', since: Date.now() });
  await page.locator('.toast', { hasText: 'TURN server' }).waitFor();
  await emit(page, 'error', { code: 'media', text: 'no camera found' });
  await page.locator('.toast', { hasText: 'No camera or microphone' }).waitFor();
  await emit(page, 'settings-warning', { reason: 'corrupt', backup: '/home/u/.config/parley/settings.json.bak', message: 'bad JSON' });
  await page.locator('.toast', { hasText: 'settings.json.bak' }).waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('settings: preview, devices, validation errors, save', async () => {
  const { page, problems } = await openWindow();
  await page.click('#btn-settings');
  await page.waitForFunction(() => /** @type {HTMLSelectElement} */ (document.getElementById('set-camera')).options.length === 3);
  assert.equal(await page.inputValue('#set-camera'), 'Test Camera');
  assert.equal(await page.inputValue('#set-resolution'), '720p');
  assert.equal(await page.textContent('#server-fingerprint'), 'AB:CD:EF');
  assert.equal(await page.textContent('#server-links code'), 'https://192.0.2.5:6503/?fp=abcdef');
  // The preview shows the Local stream.
  await page.waitForFunction(() => /** @type {HTMLCanvasElement} */ (document.getElementById('settings_preview')).width === 320, null, { timeout: 10000 });
  assert.ok((await sample(page, 'settings_preview')).mean > 30);
  // Devices show their label and are chosen by their stable name.
  await page.selectOption('#set-camera', { label: 'Other Camera' });
  await waitCalled(page, 'PreviewDevices');
  assert.equal((await callsOf(page, 'PreviewDevices'))[0][1].camera, 'usb-0000:00:14.0-2');
  await page.click('#server-links button');
  await waitCalled(page, 'CopyText');
  assert.deepEqual(await callsOf(page, 'CopyText'), [['CopyText', 'https://192.0.2.5:6503/?fp=abcdef']]);
  await emit(page, 'level', { level: 0.5 });
  assert.equal(await page.evaluate(() => document.getElementById('set-level')?.style.getPropertyValue('--level')), '0.5');
  // A refused value is shown next to its field, and the panel stays open.
  await page.evaluate(() => { /** @type {any} */ (globalThis).__test.answers.SaveSettings = { field: 'signalingUrl', problem: 'must start with wss://' }; });
  await page.fill('#set-server', 'gopher://x');
  await page.click('#settings-form button[type=submit]');
  await page.locator('.field-error[data-for="signalingUrl"]', { hasText: 'The server address must start with wss://' }).waitFor();
  assert.ok(await page.locator('#settings').isVisible());
  // Saved: the form's values go to SaveSettings and the panel closes.
  await page.evaluate(() => { /** @type {any} */ (globalThis).__test.answers.SaveSettings = null; });
  await page.fill('#set-server', '');
  await page.click('#set-ice-add');
  await page.locator('.ice-row').nth(1).locator('.ice-urls').fill('turn:turn.test:3478?transport=udp, turns:turn.test:5349');
  await page.locator('.ice-row').nth(1).locator('.ice-user').fill('u');
  await page.locator('.ice-row').nth(1).locator('.ice-cred').fill('p');
  await page.click('#settings-form button[type=submit]');
  await page.locator('#settings').waitFor({ state: 'hidden' });
  const saved = (await callsOf(page, 'SaveSettings')).at(-1)[1];
  assert.deepEqual(saved, {
    version: 1, camera: 'usb-0000:00:14.0-2', resolution: '720p', frameRate: 30, microphone: '', speaker: '',
    displayName: 'tester', signalingUrl: '',
    iceServers: [{ urls: ['stun:stun.test:3478'] }, { urls: ['turn:turn.test:3478?transport=udp', 'turns:turn.test:5349'], username: 'u', credential: 'p' }],
    discovery: true, echoCancellation: true, noiseSuppression: true, autoGainControl: true,
  });
  assert.deepEqual(problems, []);
  await page.close();
});

test('without an engine the page says so', async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}/index.html`);
  await page.locator('.toast', { hasText: 'The Parley engine is not running' }).waitFor({ timeout: 15000 });
  await page.close();
});
