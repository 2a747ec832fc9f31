// The set-up that suites driving the served client share: one parley-signal
// and one headless Chromium for the whole file, a fresh browser context for
// each person a test opens, and every context a test opened closed after it,
// pass or fail. Without the last part each test needs its own try/finally,
// and a context it forgot would stay signed in and show up in the people
// lists of the tests after it.
import { before, after, afterEach } from 'node:test';
import { startSignal } from './signal.mjs';
import { launchBrowser, openPage } from './browser.mjs';
import { login } from './parley.mjs';

/**
 * @typedef {Awaited<ReturnType<typeof openPage>>} OpenedPage
 * @typedef {OpenedPage & {name: string}} SignedIn
 */

/**
 * @typedef {object} Suite
 * @property {import('./signal.mjs').Signal} signal set once `before` has run
 * @property {import('playwright-core').Browser} browser set once `before` has run
 * @property {() => Promise<OpenedPage>} open the served client in a fresh
 *   context, not signed in yet (for a test that must set up the page first,
 *   e.g. routeWebSocket, or see the sign-in itself)
 * @property {(name: string) => Promise<SignedIn>} signIn open, then sign in as
 *   `name`; `.name` is the name the server gave
 */

/**
 * Registers the file's before, afterEach and after hooks; call it once at
 * the top level of a test file. Tests in the file must run one at a time
 * (node:test's default within a file), because afterEach closes every
 * context opened since the last test ended.
 * @param {{signal?: Parameters<typeof startSignal>[0], browser?: Parameters<typeof launchBrowser>[0]}} [opts]
 *   passed to startSignal and launchBrowser
 * @returns {Suite}
 */
export function signalAndBrowser(opts = {}) {
  /** @type {Set<import('playwright-core').BrowserContext>} */
  const contexts = new Set();
  /** @type {Suite} */
  const suite = {
    signal: /** @type {any} */ (undefined),
    browser: /** @type {any} */ (undefined),
    async open() {
      const opened = await openPage(suite.browser, suite.signal.url);
      contexts.add(opened.context);
      return opened;
    },
    async signIn(name) {
      const opened = await suite.open();
      return { ...opened, name: await login(opened.page, name) };
    },
  };

  before(async () => {
    suite.signal = await startSignal(opts.signal);
    suite.browser = await launchBrowser(opts.browser);
  });

  afterEach(async () => {
    const opened = [...contexts];
    contexts.clear();
    // A context the test closed itself closes again without complaint.
    await Promise.all(opened.map((c) => c.close()));
  });

  after(async () => {
    await suite.browser?.close();
    await suite.signal?.stop();
  });

  return suite;
}
