// The desktop app end to end: the real frontend with real Go bindings (the
// Wails dev build under Xvfb, --fake-media), driven by playwright-core,
// calling and called by a user of the browser client in headless Chromium.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './lib/signal.mjs';
import { accept, call, hangUp, waitFramesFlowing, waitState } from './lib/parley.mjs';
import { logTail, sampleCanvas, waitMovingPicture, waitPhase } from './lib/desktop.mjs';
import { desktopAndBrowser } from './lib/desktopsuite.mjs';

/** @typedef {import('playwright-core').Page} Page */

/**
 * Waits for the picture's dominant colour: the test cameras differ (A warm,
 * B cool), which tells which camera the far side is sending.
 * @param {Page} page
 * @param {string} id
 * @param {'warm'|'cool'} tone
 */
async function waitTone(page, id, tone) {
  return waitFor(
    async () => {
      const s = await sampleCanvas(page, id);
      const ok = tone === 'warm' ? s.red > s.blue + 20 : s.blue > s.red + 20;
      return ok ? s : null;
    },
    { timeout: 20000, interval: 250, what: `a ${tone} picture in #${id}` },
  );
}

describe('desktop app in a real window', { timeout: 240000 }, () => {
  const suite = desktopAndBrowser();

  test('logs in, calls a browser user, both panes move, camera switch reaches the peer, hang up', async (t) => {
    const { ui, web, desk, problems } = suite;
    try {
      await suite.signInDesktop('desk');

      // The browser user appears in the list; calling rings the browser.
      const callWeb = ui.locator('#users li.user', { hasText: 'web' }).locator('button.user-call');
      await callWeb.waitFor({ timeout: 15000 });
      await ui.locator('#users li.self', { hasText: 'desk' }).waitFor();
      await callWeb.click();
      await waitState(web, 'ringing');
      await accept(web);
      await waitState(web, 'in-call');
      await waitPhase(ui, 'in-call');

      // The desktop draws the browser's camera and its own preview.
      const remote = await waitMovingPicture(ui, 'received_video', 'the remote picture on the desktop');
      const local = await waitMovingPicture(ui, 'local_video', 'the local preview on the desktop');
      t.diagnostic(`desktop received_video mean ${remote.mean.toFixed(0)}, moved ${remote.moved}; local_video mean ${local.mean.toFixed(0)}`);

      // The browser decodes the desktop's camera (test camera A: warm).
      const flowing = await waitFramesFlowing(web);
      assert.ok(flowing.width > 0);
      await waitTone(web, 'received_video', 'warm');

      // Switch to camera B in the settings panel mid-call: the browser sees
      // the cool pattern without a new offer.
      const offersBefore = await web.evaluate(() => window.parley?.pc?.remoteDescription?.sdp ?? '');
      await ui.click('#btn-settings');
      await ui.waitForSelector('#settings:not([hidden])');
      await ui.selectOption('#set-camera', 'Parley Test Camera B');
      await ui.click('#settings-form button[type=submit]');
      await waitTone(web, 'received_video', 'cool');
      const offersAfter = await web.evaluate(() => window.parley?.pc?.remoteDescription?.sdp ?? '');
      assert.equal(offersAfter, offersBefore, 'switching cameras renegotiated the call');

      // Moving pictures alone do not show that the frame bridge held: a page
      // whose connection keeps being closed still draws a frame now and
      // then. This page, and the real window by its reports in the log,
      // must have kept their one connection and rejected nothing.
      const bridge = await ui.evaluate(() => {
        const c = /** @type {any} */ (globalThis).parleyVideo.stream.counters;
        return { connects: c.connects, rejected: c.rejected, lastError: c.lastError };
      });
      assert.deepEqual({ connects: bridge.connects, rejected: bridge.rejected }, { connects: 1, rejected: 0 }, `frame bridge: ${bridge.lastError}`);
      assert.doesNotMatch(desk.log(), /window frame bridge trouble/);

      await ui.click('#btn-hangup');
      await waitState(web, 'idle');
      await waitPhase(ui, 'idle');
    } catch (err) {
      t.diagnostic(`desktop video counters: ${JSON.stringify(await ui.evaluate(() => /** @type {any} */ (globalThis).parleyVideo?.counters).catch(() => null))}`);
      t.diagnostic(`desktop call line: ${await ui.textContent('#call-state').catch(() => '?')}`);
      t.diagnostic(`page problems: ${problems.join('\n')}`);
      t.diagnostic(`desktop log (tail): ${logTail(desk)}`);
      throw err;
    }
  });

  test('the browser calls the desktop: the dialog rings, Accept connects', async (t) => {
    const { ui, web, desk } = suite;
    try {
      await call(web, 'desk');
      await ui.waitForSelector('#incoming[open]', { timeout: 20000 });
      const caller = await ui.textContent('#incoming-caller');
      assert.equal(caller, 'web');
      await ui.click('#incoming [data-act=accept]');
      await waitState(web, 'in-call');
      await waitPhase(ui, 'in-call');
      await waitMovingPicture(ui, 'received_video', 'the remote picture after accepting');
      await waitFramesFlowing(web);
      await hangUp(web);
      await waitPhase(ui, 'idle');
    } catch (err) {
      t.diagnostic(`desktop log (tail): ${logTail(desk)}`);
      throw err;
    }
  });
});
