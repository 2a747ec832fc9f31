// Debian's Chromium driven by playwright-core: headless, with a fake camera
// and microphone and no permission prompts. Each user of a test gets its own
// browser context (separate storage and media permissions), as two people on
// two machines would.
import { chromium } from 'playwright-core';

/**
 * Flags every test browser gets (see NOTES.md, "Chromium as a test peer");
 * launchBrowser adds --use-fake-device-for-media-stream and
 * --use-fake-ui-for-media-stream according to its options.
 */
export const CHROMIUM_ARGS = Object.freeze(['--no-sandbox', '--disable-gpu', '--disable-background-networking']);

/**
 * Launches headless Chromium. Close it with browser.close() in an after hook.
 * @param {object} [opts]
 * @param {string | false} [opts.fakeMedia] the value of --use-fake-device-for-media-stream:
 *   '' (the default) for one fake camera and microphones, 'device-count=2' for two cameras,
 *   false for a machine with no camera or microphone at all.
 * @param {boolean} [opts.denyMedia] answer every camera/microphone prompt with "deny"
 *   (getUserMedia then fails with NotAllowedError), as a user who clicks Block would
 * @param {string[]} [opts.args] further flags, e.g. '--use-file-for-fake-video-capture=clip.y4m'
 * @param {string} [opts.executablePath] defaults to $CHROMIUM or /usr/bin/chromium
 * @returns {Promise<import('playwright-core').Browser>}
 */
export function launchBrowser({ fakeMedia = '', denyMedia = false, args = [], executablePath = process.env.CHROMIUM || '/usr/bin/chromium' } = {}) {
  const media = fakeMedia === false ? [] : [fakeMedia ? `--use-fake-device-for-media-stream=${fakeMedia}` : '--use-fake-device-for-media-stream'];
  const ui = denyMedia ? '--use-fake-ui-for-media-stream=deny' : '--use-fake-ui-for-media-stream';
  return chromium.launch({ executablePath, headless: true, args: [...media, ui, ...CHROMIUM_ARGS, ...args] });
}

/**
 * Opens a page in a fresh context, with camera and microphone granted for
 * the origin. Page errors and console errors are collected in `problems`, so
 * a test can print them when it fails.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @returns {Promise<{page: import('playwright-core').Page, context: import('playwright-core').BrowserContext, problems: string[]}>}
 */
export async function openPage(browser, url) {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1100, height: 700 } });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  await page.goto(url);
  return { page, context, problems };
}
