// Debian's Chromium driven by playwright-core: headless, with a fake camera
// and microphone and no permission prompts. Each user of a test gets its own
// browser context (separate storage and media permissions), as two people on
// two machines would.
import { chromium } from 'playwright-core';

/** Flags every test browser gets (see NOTES.md, "Chromium as a test peer"). */
export const CHROMIUM_ARGS = Object.freeze([
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
]);

/**
 * Launches headless Chromium. Close it with browser.close() in an after hook.
 * @param {{args?: string[], executablePath?: string}} [opts] args are added to CHROMIUM_ARGS,
 *   e.g. '--use-file-for-fake-video-capture=clip.y4m'.
 * @returns {Promise<import('playwright-core').Browser>}
 */
export function launchBrowser({ args = [], executablePath = process.env.CHROMIUM || '/usr/bin/chromium' } = {}) {
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, ...args] });
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
