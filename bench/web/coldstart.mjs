// @ts-check
/**
 * Cold start: from launching an app to its own camera on screen, on one
 * Xvfb display, with the MJPEG camera on both sides. Runs interleaved, each
 * from a fresh settings folder or profile:
 *
 *  - "desktop": Parley's desktop app (cfg.window: the production build, as
 *    users launch it; cfg.dev: the Wails dev build as well, when given) with
 *    --fake-webcam and cfg.settings (the camera "Parley Test Webcam A",
 *    MJPEG 1280×720@30). Its page reports the moment it draws a stream's
 *    first picture (frontend/js/report.js reportStart → app/backend
 *    ReportLine in the --report-json file); the first "local" one is its own
 *    camera drawn (at the size of its pane: the frame bridge sends each
 *    stream at the size the page shows it). Launch is the moment before
 *    spawning the process.
 *  - "chromium": Chromium (a real window on the same display, fresh
 *    profile) with the .mjpeg file as its camera
 *    (--use-file-for-fake-video-capture), opened on a page that calls
 *    getUserMedia and plays the camera in a <video>; the first
 *    requestVideoFrameCallback is its first camera frame presented. The
 *    page posts that moment back to this script's HTTP server. Launch is the
 *    moment before spawning the process. "chromium-headless" is the same
 *    without a window (--headless).
 *
 * Both moments are Date.now() on the same machine. Prints JSON lines:
 *   {"event":"run","app":"desktop"|"desktop-dev"|"chromium"|"chromium-headless","ms":N}
 *   {"event":"done"}
 *
 * Usage: node coldstart.mjs '{"window":…,"dev":…,"chromium":…,"mjpeg":…,"runs":5,"settings":{…},"timeout":30000}'
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startXvfb } from '../../tests/e2e/lib/desktop.mjs';
import { freePort, repoRoot, waitFor } from '../../tests/e2e/lib/signal.mjs';

/** @param {object} v */
function emit(v) {
  process.stdout.write(JSON.stringify(v) + '\n');
}

/** The page Chromium opens: its camera in a <video>, and the first frame's moment posted back. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>cold start</title>
<video id="v" autoplay muted playsinline width="640" height="360"></video>
<script>
const v = document.getElementById('v');
navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720, frameRate: 30 } }).then((s) => {
  v.srcObject = s;
  v.requestVideoFrameCallback((_now, meta) => {
    fetch('/done', { method: 'POST', body: JSON.stringify({ at: Date.now(), width: meta.width, height: meta.height }) });
  });
}, (err) => fetch('/done', { method: 'POST', body: JSON.stringify({ error: String(err) }) }));
</script>`;

/** The process groups started and not yet stopped: a dying script kills them. */
const running = new Set();
process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/**
 * Whether any process of the group led by pid is left.
 * @param {number} pid
 */
function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends proc and every process of its group (it was spawned detached, so
 * it leads one: Chromium's and WebKit's helpers are in it), SIGTERM first
 * and SIGKILL after 5 s, and waits until none is left: they write to the
 * profile or settings folder until they exit.
 * @param {import('node:child_process').ChildProcess} proc
 */
async function stop(proc) {
  const pid = /** @type {number} */ (proc.pid);
  running.delete(pid);
  const signal = (/** @type {NodeJS.Signals} */ sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // the group is gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 5000;
  while (groupAlive(pid)) {
    if (Date.now() > deadline) signal('SIGKILL');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The moment the window drew its own camera's first picture (the first
 * "local" stream report with startedAt), or 0.
 * @param {string} file
 */
function localStart(file) {
  if (!existsSync(file)) return null;
  for (const line of readFileSync(file, 'utf8').split('\n').slice(0, -1)) {
    const s = JSON.parse(line).streams.find((/** @type {any} */ x) => x.name === 'local' && x.startedAt > 0);
    if (s) return s;
  }
  return null;
}

async function main() {
  const cfg = JSON.parse(process.argv[2] ?? '');
  process.stdin.on('end', () => process.exit(3));
  process.stdin.resume();
  /** @type {(v: any) => void} */
  let onDone = () => {};
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/done') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        res.end();
        onDone(JSON.parse(body));
      });
      return;
    }
    res.setHeader('content-type', 'text/html');
    res.end(PAGE);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://127.0.0.1:${addr.port}/`;
  const x = await startXvfb();
  let output = '';
  try {
    /**
     * One launch of the desktop app (bin: the production build or the dev
     * build) until its own camera is drawn.
     * @param {string} bin
     */
    const desktop = async (bin) => {
      const home = mkdtempSync(path.join(tmpdir(), 'parley-cold-'));
      mkdirSync(path.join(home, 'parley'));
      writeFileSync(path.join(home, 'parley', 'settings.json'), JSON.stringify(cfg.settings));
      const reports = path.join(home, 'reports.jsonl');
      const env = { ...process.env, DISPLAY: x.display, XDG_CONFIG_HOME: home, NO_AT_BRIDGE: '1', devserver: `127.0.0.1:${await freePort()}`, assetdir: path.join(repoRoot, 'frontend') };
      output = '';
      const t0 = Date.now();
      const proc = spawn(bin, ['--fake-webcam', '--no-discovery', '--server', cfg.ws, '--report-json', reports], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      running.add(proc.pid);
      proc.stdout?.on('data', (d) => (output += d));
      proc.stderr?.on('data', (d) => (output += d));
      try {
        const at = await waitFor(
          () => {
            if (proc.exitCode !== null) throw new Error(`${bin} exited with ${proc.exitCode}: ${output.slice(-800)}`);
            return localStart(reports);
          },
          { timeout: cfg.timeout, interval: 10, what: 'the window to draw its own camera' },
        );
        return at.startedAt - t0;
      } finally {
        await stop(proc);
        rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      }
    };
    /**
     * One launch of Chromium until its first camera frame is presented.
     * @param {boolean} headless without a window (how the 441 ms reference was taken, we believe)
     */
    const browser = async (headless) => {
      const profile = mkdtempSync(path.join(tmpdir(), 'parley-cold-chromium-'));
      /** @type {Promise<any>} */
      const done = new Promise((resolve) => (onDone = resolve));
      const args = [`--user-data-dir=${profile}`, '--no-first-run', '--no-default-browser-check', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${cfg.mjpeg}`, '--window-size=800,600', ...(headless ? ['--headless'] : []), url];
      output = '';
      const t0 = Date.now();
      const proc = spawn(cfg.chromium, args, { env: { ...process.env, DISPLAY: x.display }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      running.add(proc.pid);
      proc.stdout?.on('data', (d) => (output += d));
      proc.stderr?.on('data', (d) => (output += d));
      try {
        const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`Chromium showed no camera frame in ${cfg.timeout} ms: ${output.slice(-800)}`)), cfg.timeout));
        const r = await Promise.race([done, timeout]);
        if (r.error) throw new Error(`Chromium's getUserMedia: ${r.error}`);
        if (r.width !== 1280 || r.height !== 720) throw new Error(`Chromium's camera gave ${r.width}x${r.height}, not the file's 1280x720`);
        return r.at - t0;
      } finally {
        await stop(proc);
        // Chromium's helper processes may still write to the profile for
        // a moment after the browser process has exited.
        rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      }
    };
    const apps = [['desktop', () => desktop(cfg.window)], ['chromium', () => browser(false)], ['chromium-headless', () => browser(true)]];
    if (cfg.dev) apps.push(['desktop-dev', () => desktop(cfg.dev)]);
    for (let i = 0; i < cfg.runs; i++) {
      // Interleaved, and each app first in turn, so that neither always
      // starts on a machine just warmed (or loaded) by the other.
      const order = i % 2 ? [...apps].reverse() : apps;
      for (const [app, fn] of order) {
        emit({ event: 'run', app, ms: await /** @type {() => Promise<number>} */ (fn)() });
      }
    }
    emit({ event: 'done' });
  } finally {
    await x.stop();
    server.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    emit({ event: 'error', text: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  },
);
