// @ts-check
/**
 * Case (d): Parley's desktop app (the Wails dev build, bin/parley-dev, in a
 * real WebKitGTK window on Xvfb) calls a Chromium page of Parley's browser
 * client. Prints JSON lines for bench/cmd/parley-bench:
 *
 *   {"event":"peer","pid":N}             the Chromium peer's browser process (CPU is sampled per side)
 *   {"event":"ready"}
 *   {"event":"setup","ms":N,"peerMs":M} one per short call: click → first frame drawn by
 *                                       the desktop's window (ms) and shown by the peer (peerMs)
 *   {"event":"flowing"}                  the long call carries video (CPU sampling starts)
 *   {"event":"result", ...}              latencies, the window's reports (ReportLine objects), time to full resolution
 *
 * The desktop UI is driven, as a user would, through its dev server page
 * (the same frontend with live bindings to the same Go engine, opened in
 * headless Chromium). That page only clicks: its frame-bridge socket is
 * answered by a mock, so it draws nothing and costs the bridge nothing.
 * Everything the desktop draws is measured in the real WebKit window, by
 * its own page, which reports to Go (app/backend ReportVideo); the app writes
 * the reports to its --report-json file, one JSON line each (app/backend
 * ReportLine): the moment each call's first remote picture is drawn
 * (startedAt), and every 5 s the frame rate and the latency from the
 * Chromium peer's capture to drawn (the app runs with --stamp-latency, so
 * remote pictures are timed by the stamp the peer's canvas camera draws
 * into them).
 *
 * The desktop starts with cfg.settings as its settings.json (parley-bench
 * passes the app's defaults at the call's size: "480p" is 854×480 there, as
 * the app offers 16:9 sizes); the peer's canvas camera runs at
 * cfg.width×cfg.height, on the test cameras' clock (cfg.clockSkew; see
 * probe.mjs). runs may be 0: then only the long call.
 *
 * With cfg.mjpeg (a file path), both cameras send MJPEG: the desktop runs
 * with --fake-webcam (cfg.settings names the webcam-like camera), and the
 * peer's camera is Chromium's fake capture playing that .mjpeg file
 * (--use-file-for-fake-video-capture) instead of the stamped canvas. The
 * file's stamps are fixed when it is written, so the window's latency for
 * the peer's pictures is meaningless then; the result's peerSend (what the
 * peer's RTCPeerConnection sends) and the window's reports show that the
 * file is what arrives. cfg.maintainResolution sets the peer's video
 * sender's degradationPreference to "maintain-resolution" once the long
 * call flows.
 *
 * Usage: node desktop.mjs '{"ws":…,"http":…,"runs":5,"settings":{…},"width":1280,"height":720,"clockSkew":0.002,"hold":30000,"fullResWait":40000,"warmup":2000,"timeout":30000}'
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../../tests/e2e/node_modules/playwright-core/index.mjs';
import { logTail, startDesktop, startXvfb } from '../../tests/e2e/lib/desktop.mjs';
import { waitFor } from '../../tests/e2e/lib/signal.mjs';
import { installProbe, splitLatencies } from './probe.mjs';

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

/** Runs in the desktop UI page: when the user clicks a call button. */
function deskProbe() {
  const b = { clickAt: 0 };
  /** @type {any} */ (window).__desk = b;
  document.addEventListener(
    'click',
    (ev) => {
      if (ev.target instanceof Element && ev.target.closest('.user-call')) b.clickAt = Date.now();
    },
    true,
  );
}

/**
 * The processes whose parent is this script.
 * @returns {Set<number>}
 */
function children() {
  const out = new Set();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // The parent pid is the 2nd field after the command, which is in parentheses.
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) out.add(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * What the page's RTCPeerConnection sends: the width of its video,
 * frames encoded per second over the last second, and what limits its
 * quality (getStats' qualityLimitationReason: "cpu", "bandwidth"...).
 * @param {import('playwright-core').Page} page
 */
function sending(page) {
  return page.evaluate(async () => {
    const pc = /** @type {any} */ (window).parley?.pc;
    const read = async () => {
      let width = 0;
      let frames = 0;
      let limit = '';
      (await RTCPeerConnection.prototype.getStats.call(pc)).forEach((/** @type {any} */ s) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video') {
          width = Math.max(width, s.frameWidth ?? 0);
          frames += s.framesEncoded ?? 0;
          limit = s.qualityLimitationReason ?? '';
        }
      });
      return { width, frames, limit, at: performance.now() };
    };
    if (!pc) return { width: 0, fps: 0, limit: '' };
    const a = await read();
    await new Promise((r) => setTimeout(r, 1000));
    const b = await read();
    return { width: b.width, fps: ((b.frames - a.frames) * 1000) / (b.at - a.at), limit: b.limit };
  });
}

/** How often the window's page reports (frontend/js/report.js). */
const REPORT_EVERY_MS = 5000;

/**
 * The lines the app has written to its --report-json file so far; a last
 * line still being written (no newline yet) is left out.
 * @param {string} file
 * @returns {{at: number, streams: {name: string, startedAt: number}[]}[]}
 */
function readReports(file) {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  return lines.slice(0, -1).map((l) => JSON.parse(l));
}

/**
 * The moments the window drew a remote stream's first picture, in ms since
 * the epoch.
 * @param {ReturnType<typeof readReports>} reports
 */
function windowStarts(reports) {
  return reports.flatMap((r) => r.streams.filter((s) => s.name === 'remote' && s.startedAt > 0).map((s) => s.startedAt));
}

/**
 * Whether reports hold one of the remote picture's periodic reports.
 * @param {ReturnType<typeof readReports>} reports
 */
function hasRemoteReport(reports) {
  return reports.some((r) => r.streams.some((s) => s.name === 'remote' && !s.startedAt));
}

async function main() {
  const cfg = JSON.parse(process.argv[2] ?? '');
  process.stdin.on('end', () => process.exit(3));
  process.stdin.resume();
  const args = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'];
  const reportDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-reports-'));
  const reportFile = path.join(reportDir, 'reports.jsonl');
  const x = await startXvfb();
  /** @type {Awaited<ReturnType<typeof startDesktop>> | undefined} */
  let desk;
  /** @type {import('playwright-core').Browser[]} */
  const browsers = [];
  try {
    desk = await startDesktop({
      display: x.display,
      args: [cfg.mjpeg ? '--fake-webcam' : '--fake-media', '--stamp-latency', '--report-json', reportFile, '--server', cfg.ws],
      settings: cfg.settings,
    });
    browsers.push(await chromium.launch({ executablePath: cfg.chromium || '/usr/bin/chromium', headless: true, args }));
    const before = children();
    const peerArgs = cfg.mjpeg ? [...args, `--use-file-for-fake-video-capture=${cfg.mjpeg}`] : args;
    browsers.push(await chromium.launch({ executablePath: cfg.chromium || '/usr/bin/chromium', headless: true, args: peerArgs }));
    const peerPids = [...children()].filter((p) => !before.has(p));
    if (peerPids.length !== 1) throw new Error(`expected one new browser process for the peer, found ${peerPids.length}`);
    emit({ event: 'peer', pid: peerPids[0] });
    const uiCtx = await browsers[0].newContext({ viewport: { width: 1200, height: 760 } });
    await uiCtx.addInitScript(`(${deskProbe.toString()})();`);
    // The instrument page gets a mock frame bridge: no frames, no cost.
    await uiCtx.routeWebSocket(/\/frames\?/, () => {});
    const ui = await uiCtx.newPage();
    await ui.goto(desk.url);
    await ui.fill('#login-name', 'desk');
    await ui.click('#login-form button[type=submit]');
    await ui.waitForSelector('#signaling-status[data-status=online]', { timeout: cfg.timeout }).catch(async (err) => {
      // What the page and the app said instead, for a failure seen once
      // on a fresh machine and not reproduced since (docs/benchmarks.md,
      // "Case (d) on a fresh machine").
      const status = await ui.locator('#signaling-status').textContent().catch(() => null);
      throw new Error(`${err.message}\nthe page's status: ${status}; its URL: ${ui.url()}\nthe app's log ends:\n${desk ? logTail(desk) : ''}`);
    });

    const peerCtx = await browsers[1].newContext({ permissions: ['camera', 'microphone'] });
    await peerCtx.addInitScript(peerScript({ width: cfg.width, height: cfg.height, fps: 30, camera: 31, fullWidth: cfg.width, clockSkew: cfg.clockSkew, realCamera: !!cfg.mjpeg }));
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
        ui.evaluate(() => Object.assign(/** @type {any} */ (window).__desk, { clickAt: 0 })),
        peer.evaluate(() => Object.assign(/** @type {any} */ (window).__bench, { clickAt: 0, acceptAt: 0, firstFrameAt: 0, fullResAt: 0, frames: 0, stamped: 0, latencies: [] })),
      ]);
    /** One call from the desktop UI; resolves when both sides draw video. */
    const place = async () => {
      await reset();
      await callButton.waitFor({ timeout: cfg.timeout });
      await callButton.click();
      const d = await ui.evaluate(() => /** @type {any} */ (window).__desk);
      d.firstDrawAt = await waitFor(() => windowStarts(readReports(reportFile)).find((t) => t >= d.clickAt), { timeout: cfg.timeout, interval: 20, what: 'the window to draw remote video' });
      await waitFor(async () => (await peer.evaluate(() => /** @type {any} */ (window).__bench.firstFrameAt)) > 0, { timeout: cfg.timeout, interval: 20, what: 'the peer to show the desktop video' });
      d.peerFirstFrameAt = await peer.evaluate(() => /** @type {any} */ (window).__bench.firstFrameAt);
      return d;
    };
    const hangUp = async () => {
      await ui.click('#btn-hangup');
      await waitFor(async () => (await peer.evaluate(() => window.parley?.state)) === 'idle', { timeout: cfg.timeout, interval: 20, what: 'the peer to return to idle' });
      await waitFor(async () => (await ui.evaluate(() => document.body.dataset.phase)) !== 'in-call', { timeout: cfg.timeout, interval: 20, what: 'the desktop to leave the call' }).catch(async (err) => {
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
    if (cfg.maintainResolution) {
      // Chromium's sender keeps its camera's resolution and gives up
      // frame rate or quality instead, so that it encodes what the desktop
      // encodes (by default it scales down when its bandwidth estimate is
      // short of what the picture needs).
      await peer.evaluate(async () => {
        for (const s of /** @type {any} */ (window).parley.pc.getSenders()) {
          if (s.track?.kind !== 'video') continue;
          const p = s.getParameters();
          p.degradationPreference = 'maintain-resolution';
          await s.setParameters(p);
        }
      });
    }
    emit({ event: 'flowing' });
    // The window's reports from warmup on (each covers the 5 s before it).
    await new Promise((r) => setTimeout(r, cfg.warmup + 5000));
    const from = readReports(reportFile).length;
    await new Promise((r) => setTimeout(r, Math.max(0, cfg.hold - cfg.warmup - 5000)));
    // The page reports every 5 s on its own clock, not the call's: a hold
    // shorter than that after the warmup (480p's) may end before the next
    // report, so wait for it.
    await waitFor(() => hasRemoteReport(readReports(reportFile).slice(from)), { timeout: REPORT_EVERY_MS + 2000, interval: 100, what: 'a report of the window during the hold' });
    if (cfg.fullResWait) {
      await waitFor(async () => (await peer.evaluate(() => /** @type {any} */ (window).__bench.fullResAt)) > 0, { timeout: Math.max(0, d.firstDrawAt + cfg.fullResWait - Date.now()), interval: 20, what: 'full resolution' }).catch(() => null);
    }
    const u = await ui.evaluate(() => /** @type {any} */ (window).__desk);
    const p = await peer.evaluate(() => /** @type {any} */ (window).__bench);
    const peerSend = await sending(peer);
    emit({
      event: 'result',
      windowReports: readReports(reportFile).slice(from),
      toChromium: splitLatencies(p.latencies, p.firstFrameAt + cfg.warmup, cfg.width),
      fullResS: p.fullResAt ? (p.fullResAt - u.clickAt) / 1000 : -1,
      peerWidth: p.width,
      peerSend,
    });
    await hangUp();
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
    await desk?.stop();
    await x.stop();
    rmSync(reportDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    emit({ event: 'error', text: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  },
);
