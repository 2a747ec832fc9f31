// @ts-check
/**
 * Measures the frame bridge (app/bridge) drawing into Parley's desktop page
 * (frontend/), in headless Chromium: bridge-demo pushes moving I420 frames
 * at the given size and 30 fps, the page draws them with its real
 * renderer, and its own counters (globalThis.parleyVideo) give frames drawn
 * and capture→drawn latency (the frame header's capture time, set by Go
 * when the frame was made, against the page's clock at draw).
 *
 * Usage: node bridge.mjs '{"demo":"bin/bridge-demo","frontend":"frontend","width":1280,"height":720,"seconds":8}'
 * (add "renderer":"2d" for the page's canvas-2D fallback instead of WebGL)
 * Prints one JSON line: {"fps":…, "latencies":[…], "renderer":"webgl"|"2d"}.
 * The page's engine is a stand-in (globalThis.parleyBackend) that answers
 * the UI contract's calls with fixed values and points the page at the
 * demo's bridge; only the frames and their drawing are real.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { chromium } from '../../tests/e2e/node_modules/playwright-core/index.mjs';

/** @type {Record<string, string>} */
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

/** @param {string} dir */
function serve(dir) {
  return new Promise((resolve) => {
    const s = createServer(async (req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const file = path.resolve(dir, u.pathname === '/' ? 'index.html' : decodeURIComponent(u.pathname).replace(/^\/+/, ''));
      if (!file.startsWith(dir + path.sep)) return void res.writeHead(403).end();
      try {
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
      } catch {
        res.writeHead(404).end();
      }
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

/** The stand-in engine, installed in the page before its modules run. @param {{bridgeURL: string}} cfg */
function standIn(cfg) {
  /** @type {Map<string, Set<(p: any) => void>>} */
  const listeners = new Map();
  const answers = /** @type {Record<string, any>} */ ({
    Snapshot: { signaling: { status: 'online', server: 'ws://bench' }, name: 'bench', users: ['bench', 'peer'], call: { state: 'in-call', peer: 'peer', since: Date.now() }, muted: false, cameraOff: false, settingsWarning: null, displayName: 'bench' },
    FrameBridgeURL: cfg.bridgeURL,
    GetSettings: { version: 1, camera: '', resolution: '720p', frameRate: 30, microphone: '', speaker: '', displayName: 'bench', signalingUrl: '', iceServers: [] },
    ListDevices: { cameras: [], microphones: [], speakers: [] },
    ServerInfo: { embedded: false, links: [], fingerprint: '' },
  });
  /** @type {Record<string, any>} */
  const b = {
    /** @param {string} name @param {(p: any) => void} cb */
    on(name, cb) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)?.add(cb);
      return () => listeners.get(name)?.delete(cb);
    },
  };
  for (const m of ['Snapshot', 'Login', 'Reconnect', 'Call', 'Accept', 'Decline', 'HangUp', 'SetMuted', 'SetCameraOff', 'SendChat', 'GetSettings', 'SaveSettings', 'ListDevices', 'PreviewDevices', 'FrameBridgeURL', 'ServerInfo', 'PlayTestSound', 'CopyText']) {
    b[m] = () => Promise.resolve(answers[m] ?? null);
  }
  /** @type {any} */ (globalThis).parleyBackend = b;
  /** @type {any} */ (globalThis).__benchEmit = (/** @type {string} */ name, /** @type {any} */ p) => listeners.get(name)?.forEach((cb) => cb(p));
}

async function main() {
  const cfg = JSON.parse(process.argv[2] ?? '');
  const server = /** @type {import('node:http').Server} */ (await serve(path.resolve(cfg.frontend)));
  const origin = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
  const demo = spawn(path.resolve(cfg.demo), ['-origins', origin, '-width', String(cfg.width), '-height', String(cfg.height), '-fps', '30'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise((r) => demo.once('exit', r));
  const browser = await chromium.launch({ executablePath: cfg.chromium || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const url = await new Promise((resolve, reject) => {
      readline.createInterface({ input: /** @type {import('node:stream').Readable} */ (demo.stdout) }).once('line', (l) => resolve(JSON.parse(l).url));
      setTimeout(() => reject(new Error('bridge-demo printed no URL in 20 s')), 20000).unref();
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(standIn, { bridgeURL: url });
    await page.goto(`${origin}/index.html${cfg.renderer === "2d" ? "?renderer=2d" : ""}`);
    await page.waitForFunction(() => /** @type {any} */ (globalThis).parleyVideo, null, { timeout: 20000 });
    await page.evaluate(() => /** @type {any} */ (globalThis).__benchEmit('state', { state: 'in-call', peer: 'peer', since: Date.now() }));
    await page.waitForFunction(() => /** @type {any} */ (globalThis).parleyVideo.counters[1].drawn >= 30, null, { timeout: 20000 });
    const out = await page.evaluate(async (seconds) => {
      const v = /** @type {any} */ (globalThis).parleyVideo;
      const c = v.counters[1];
      /** @type {number[]} */
      const lat = [];
      let seen = c.drawn;
      const t0 = performance.now();
      const drawn0 = c.drawn;
      // The page keeps only its last few hundred latencies: copy new ones as they come.
      while (performance.now() - t0 < seconds * 1000) {
        await new Promise((r) => setTimeout(r, 250));
        const fresh = c.drawn - seen;
        if (fresh > 0) lat.push(...c.latencies.slice(-Math.min(fresh, c.latencies.length)));
        seen = c.drawn;
      }
      const fps = ((c.drawn - drawn0) * 1000) / (performance.now() - t0);
      return { fps, latencies: lat, renderer: v.kindOf(document.getElementById('received_video')), width: c.width, height: c.height };
    }, cfg.seconds);
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    await browser.close();
    demo.stdin?.end();
    await exited;
    server.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(String(err instanceof Error ? err.stack : err) + '\n');
    process.exit(1);
  },
);
