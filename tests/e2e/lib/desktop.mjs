// Running the real desktop app for a test: Xvfb, then bin/parley-dev (the
// Wails dev build: `go build -tags dev,webkit2_41`), whose dev server
// serves the real frontend over HTTP with live Go bindings. The native
// window opens on the Xvfb display; a Chromium page on the dev server drives
// the same UI and calls the same bound Go methods.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, repoRoot, waitFor } from './signal.mjs';

/**
 * Starts an X server on a free display number.
 * @returns {Promise<{display: string, stop: () => Promise<void>}>}
 */
export async function startXvfb() {
  for (let attempt = 0; attempt < 5; attempt++) {
    const n = 100 + Math.floor(Math.random() * 800);
    if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
    const proc = spawn('Xvfb', [`:${n}`, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    const exited = once(proc, 'exit').then(() => true);
    const up = await Promise.race([
      waitFor(() => existsSync(`/tmp/.X11-unix/X${n}`), { timeout: 10000, what: 'Xvfb socket' }).then(() => true, () => false),
      exited.then(() => false),
    ]);
    if (up) {
      return {
        display: `:${n}`,
        stop: async () => {
          if (proc.exitCode === null) {
            proc.kill('SIGTERM');
            await exited;
          }
        },
      };
    }
    proc.kill('SIGKILL');
  }
  throw new Error('could not start Xvfb (is the xvfb package installed?)');
}

/**
 * @typedef {object} Desktop
 * @property {string} url       the dev server (the real frontend with live bindings)
 * @property {string} configDir XDG_CONFIG_HOME of the app (settings, certificate)
 * @property {() => string} log
 * @property {() => Promise<void>} stop
 */

/**
 * Starts the desktop app's dev build on display with the given flags, in a
 * fresh config directory (holding settings.json when settings are given),
 * and waits until its dev server answers.
 * @param {{display: string, args?: string[], bin?: string, settings?: object, env?: Record<string, string>}} opts
 *   env: variables added to the app's environment (a D-Bus session bus, say)
 * @returns {Promise<Desktop>}
 */
export async function startDesktop({ display, args = [], bin = path.join(repoRoot, 'bin/parley-dev'), settings, env: extraEnv = {} }) {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run "make bin/parley-dev" first`);
  const port = await freePort();
  const configDir = mkdtempSync(path.join(tmpdir(), 'parley-desktop-'));
  if (settings) {
    mkdirSync(path.join(configDir, 'parley'));
    writeFileSync(path.join(configDir, 'parley', 'settings.json'), JSON.stringify(settings));
  }
  const env = {
    ...process.env,
    DISPLAY: display,
    XDG_CONFIG_HOME: configDir,
    devserver: `127.0.0.1:${port}`,
    assetdir: path.join(repoRoot, 'frontend'),
    // No accessibility bus or D-Bus session on the test machine.
    NO_AT_BRIDGE: '1',
    ...extraEnv,
  };
  const proc = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout?.on('data', (d) => (output += d));
  proc.stderr?.on('data', (d) => (output += d));
  // PARLEY_DESKTOP_LOG=file keeps the app's whole log for debugging.
  const keep = process.env.PARLEY_DESKTOP_LOG;
  const exited = once(proc, 'exit').then((r) => {
    if (keep) writeFileSync(keep, output);
    return r;
  });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`parley-dev exited with ${proc.exitCode}:\n${output}`);
        const r = await fetch(url).catch(() => null);
        return r?.ok;
      },
      { timeout: 60000, what: 'the desktop dev server' },
    );
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  }
  return {
    url,
    configDir,
    log: () => output,
    stop: async () => {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/**
 * Samples a canvas of the page (WebGL or 2D) as a small RGB picture.
 * @param {import('playwright-core').Page} page
 * @param {string} id
 * @returns {Promise<{mean: number, red: number, blue: number, px: number[]}>}
 */
export function sampleCanvas(page, id) {
  return page.evaluate((id) => {
    const src = /** @type {HTMLCanvasElement} */ (document.getElementById(id));
    const t = document.createElement('canvas');
    t.width = 64;
    t.height = 48;
    const g = /** @type {CanvasRenderingContext2D} */ (t.getContext('2d'));
    g.drawImage(src, 0, 0, 64, 48);
    // Skip the top rows, where the stamp's black and white blocks are.
    const d = g.getImageData(0, 8, 64, 40).data;
    let sum = 0, red = 0, blue = 0;
    /** @type {number[]} */
    const px = [];
    for (let i = 0; i < d.length; i += 4) {
      sum += d[i] + d[i + 1] + d[i + 2];
      red += d[i];
      blue += d[i + 2];
      px.push(d[i], d[i + 1], d[i + 2]);
    }
    const n = d.length / 4;
    return { mean: sum / n / 3, red: red / n, blue: blue / n, px };
  }, id);
}

/**
 * Counts the components that differ by more than 8 between two samples.
 * @param {number[]} a
 * @param {number[]} b
 */
export function changedPixels(a, b) {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 8) n++;
  return n;
}

/**
 * Waits until the desktop page's body says it is in the given phase of a
 * call ('idle', 'in-call', …). Generous: two cores shared with other suites.
 * @param {import('playwright-core').Page} page
 * @param {string} phase
 */
export function waitPhase(page, phase) {
  return page.waitForFunction((p) => document.body.dataset.phase === p, phase, { timeout: 30000 });
}

/**
 * The end of the desktop app's log for a failing test's diagnostics,
 * without the dev server's per-asset lines, which would crowd out the rest.
 * @param {Desktop} desk
 */
export function logTail(desk) {
  return desk.log().split('\n').filter((l) => !l.includes('AssetHandler')).join('\n').slice(-3000);
}

/**
 * The Call button of `name` in the desktop page's people list (#users),
 * matching the whole name: "deska" must not find "deskab".
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export function desktopCallButton(page, name) {
  const whole = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page.locator('#users li.user').filter({ has: page.locator('.user-name', { hasText: whole }) }).locator('button.user-call');
}

/**
 * Waits until a canvas of the page shows a non-black picture that changes
 * (frames are flowing and being drawn, not one frozen picture).
 * @param {import('playwright-core').Page} page
 * @param {string} id
 * @param {string} what  for the timeout message
 * @returns {Promise<{mean: number, moved: number}>}
 */
export function waitMovingPicture(page, id, what) {
  return waitFor(
    async () => {
      const a = await sampleCanvas(page, id);
      if (a.mean < 20) return null;
      await new Promise((r) => setTimeout(r, 400));
      const b = await sampleCanvas(page, id);
      const moved = changedPixels(a.px, b.px);
      return moved > 50 ? { mean: b.mean, moved } : null;
    },
    { timeout: 30000, interval: 200, what },
  );
}
