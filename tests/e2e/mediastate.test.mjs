// "Camera off" and "muted" reach the other side (media-state): the desktop
// app (the Wails dev build under Xvfb, --fake-media, real Go bindings) in a
// call with a user of the browser client in headless Chromium. Each side
// turns its camera off and mutes through its own buttons; the other side
// shows the name with "Camera off" over the picture and a muted badge, and
// both go away when toggled back. A desktop page loaded mid-call shows the
// peer's state at once (the snapshot).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, hangUp, waitState } from './lib/parley.mjs';
import { logTail, waitPhase } from './lib/desktop.mjs';
import { desktopAndBrowser } from './lib/desktopsuite.mjs';

/** @typedef {import('playwright-core').Page} Page */

/** Generous: two cores shared with other suites. */
const SHOWN_MS = 20000;

/**
 * Waits until the element is shown (or hidden) and returns its text.
 * @param {Page} page
 * @param {string} selector
 * @param {boolean} shown
 */
async function waitShown(page, selector, shown) {
  await page.locator(selector).waitFor({ state: shown ? 'visible' : 'hidden', timeout: SHOWN_MS });
  return (await page.textContent(selector))?.replace(/\s+/g, ' ').trim() ?? '';
}

// The overlay both pages show (web/shared/peermedia.js).
const coverSelector = '.peer-camera-off';
const mutedSelector = '.peer-muted';

describe('camera off and muted reach the other side', { timeout: 240000 }, () => {
  const suite = desktopAndBrowser();

  test('each side sees the other turn the camera off and mute, and back', async (t) => {
    const { ui, web, desk, problems } = suite;
    try {
      await suite.signInDesktop('desk');

      await call(web, 'desk');
      await ui.waitForSelector('#incoming[open]', { timeout: 20000 });
      await ui.click('#incoming [data-act=accept]');
      await waitState(web, 'in-call');
      await waitPhase(ui, 'in-call');
      // Both send sound and pictures: nothing covers either picture.
      for (const [page, sel] of /** @type {const} */ ([[ui, coverSelector], [ui, mutedSelector], [web, coverSelector], [web, mutedSelector]])) {
        assert.equal(await page.isVisible(sel), false, `${sel} shown while the peer sends everything`);
      }

      // The browser user turns the camera off: the desktop covers the
      // picture with the name and "Camera off".
      await web.click('#camera_button');
      const cover = await waitShown(ui, coverSelector, true);
      assert.match(cover, /\bweb\b/);
      assert.match(cover, /Camera off/);
      assert.equal(await ui.isVisible(mutedSelector), false, 'camera off showed as muted');

      // A desktop page loaded now shows it at once (Snapshot().peerMedia).
      await ui.reload();
      await waitPhase(ui, 'in-call');
      assert.match(await waitShown(ui, coverSelector, true), /\bweb\b.*Camera off/);

      // The desktop user mutes: the browser shows the badge.
      await ui.click('#btn-mute');
      assert.match(await waitShown(web, mutedSelector, true), /Muted/);
      assert.equal(await web.isVisible(coverSelector), false, 'muted showed as camera off');

      // The other two toggles the other way round.
      await ui.click('#btn-camera');
      assert.match(await waitShown(web, coverSelector, true), /\bdesk\b.*Camera off/);
      await web.click('#mute_button');
      await waitShown(ui, mutedSelector, true);

      // Everything back on: every cover and badge goes away.
      await web.click('#camera_button');
      await web.click('#mute_button');
      await ui.click('#btn-mute');
      await ui.click('#btn-camera');
      await waitShown(ui, coverSelector, false);
      await waitShown(ui, mutedSelector, false);
      await waitShown(web, coverSelector, false);
      await waitShown(web, mutedSelector, false);

      // State outlives nothing: after the call, no cover is left behind.
      await web.click('#camera_button');
      await waitShown(ui, coverSelector, true);
      await hangUp(web);
      await waitPhase(ui, 'idle');
      assert.equal(await ui.isVisible(coverSelector), false, 'the cover outlived the call');
    } catch (err) {
      t.diagnostic(`desktop call line: ${await ui.textContent('#call-state').catch(() => '?')}`);
      t.diagnostic(`page problems: ${problems.join('\n')}`);
      t.diagnostic(`desktop log (tail): ${logTail(desk)}`);
      throw err;
    }
  });
});
