// The set-up that suites putting the desktop app in a call with a user of
// the browser client share: parley-signal, the desktop app's dev build on
// Xvfb with fake media and that server, its UI open in headless Chromium,
// and the browser client signed in as "web" in another context of the same
// Chromium, all for the whole file and all stopped after it.
import { before, after } from 'node:test';
import { startSignal } from './signal.mjs';
import { launchBrowser, openPage } from './browser.mjs';
import { openSignedIn } from './parley.mjs';
import { startDesktop, startXvfb } from './desktop.mjs';

/** @typedef {import('playwright-core').Page} Page */

/**
 * @typedef {object} DesktopSuite
 * @property {import('./signal.mjs').Signal} signal set once `before` has run, as are the rest
 * @property {import('./desktop.mjs').Desktop} desk
 * @property {import('playwright-core').Browser} browser
 * @property {Page} ui the desktop's UI (its dev server's page), not signed in yet
 * @property {string[]} problems page errors and console errors of ui
 * @property {Page} web the browser client, signed in as "web"
 * @property {(name: string) => Promise<void>} signInDesktop signs the desktop
 *   in as `name` through its login form and waits until it is online; tests
 *   call it themselves, so that a failure there gets their diagnostics
 */

/**
 * Registers the file's (or the describe block's) before and after hooks;
 * call it once, where the hooks belong.
 * @returns {DesktopSuite}
 */
export function desktopAndBrowser() {
  /** @type {Awaited<ReturnType<typeof startXvfb>> | undefined} */
  let x;
  /** @type {DesktopSuite} */
  const suite = {
    signal: /** @type {any} */ (undefined),
    desk: /** @type {any} */ (undefined),
    browser: /** @type {any} */ (undefined),
    ui: /** @type {any} */ (undefined),
    problems: [],
    web: /** @type {any} */ (undefined),
    async signInDesktop(name) {
      await suite.ui.fill('#login-name', name);
      await suite.ui.click('#login-form button[type=submit]');
      await suite.ui.waitForSelector('#signaling-status[data-status=online]', { timeout: 20000 });
    },
  };

  before(async () => {
    suite.signal = await startSignal();
    x = await startXvfb();
    suite.desk = await startDesktop({ display: x.display, args: ['--fake-media', '--server', suite.signal.wsURL] });
    suite.browser = await launchBrowser();
    const opened = await openPage(suite.browser, suite.desk.url);
    suite.ui = opened.page;
    suite.problems = opened.problems;
    suite.web = (await openSignedIn(suite.browser, suite.signal.url, 'web')).page;
  });

  after(async () => {
    await suite.browser?.close();
    await suite.desk?.stop();
    await x?.stop();
    await suite.signal?.stop();
  });

  return suite;
}
