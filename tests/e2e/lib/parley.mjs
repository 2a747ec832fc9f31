// Driving Parley's browser client (signaling/web/static) through its real UI:
// typing a name, clicking a person, clicking Accept. The read-only hook
// window.parley (documented in js/app.js) is used only to observe state and
// to reach the RTCPeerConnection for getStats.
import { waitFor } from './signal.mjs';
import { openPage } from './browser.mjs';

/** @typedef {import('playwright-core').Page} Page */

/**
 * Signs in with a name and returns the name the server gave (it appends a
 * number when the name is taken).
 * @param {Page} page
 * @param {string} name
 * @returns {Promise<string>}
 */
export async function login(page, name) {
  await page.fill('#login_name', name);
  await page.click('#login_button');
  await page.waitForFunction(() => window.parley?.state !== 'signed-out' && window.parley.link === 'open', null, { timeout: 15000 });
  return page.evaluate(() => window.parley.name);
}

/**
 * The button that calls `name` in the people list.
 * @param {Page} page
 * @param {string} name
 */
export function userButton(page, name) {
  return page.locator('#userlist').getByRole('button', { name, exact: true });
}

/**
 * Clicks `name` in the people list (waiting for them to appear there).
 * @param {Page} page
 * @param {string} name
 */
export async function call(page, name) {
  const button = userButton(page, name);
  await button.waitFor({ timeout: 15000 });
  await button.click();
}

/**
 * Waits for window.parley.state to equal `state`.
 * @param {Page} page
 * @param {string} state
 * @param {number} [timeout]
 */
export async function waitState(page, state, timeout = 20000) {
  try {
    await page.waitForFunction((s) => window.parley?.state === s, state, { timeout });
  } catch (err) {
    const now = await page.evaluate(() => ({ state: window.parley?.state, status: document.getElementById('call_status')?.textContent, notice: document.getElementById('notice_text')?.textContent }));
    throw new Error(`state ${JSON.stringify(state)} not reached: now ${JSON.stringify(now)}: ${err instanceof Error ? err.message : err}`);
  }
}

/**
 * Waits for the incoming-call prompt and clicks Accept.
 * @param {Page} page
 */
export async function accept(page) {
  await page.locator('#accept_button').click({ timeout: 15000 });
}

/** @param {Page} page */
export async function decline(page) {
  await page.locator('#decline_button').click({ timeout: 15000 });
}

/** @param {Page} page */
export async function hangUp(page) {
  await page.locator('#hangup_button').click({ timeout: 15000 });
}

/**
 * Reads what the page's received_video shows: decoded frames (summed over all
 * inbound video streams, from the real RTCPeerConnection's getStats) and the
 * element's decoded size. Works for any page that exposes its connection as
 * window.parley.pc or window.pc (the MDN-like fixture).
 * @param {Page} page
 * @returns {Promise<{framesDecoded: number, videoWidth: number, videoHeight: number}>}
 */
export function videoStats(page) {
  return page.evaluate(async () => {
    /** @type {RTCPeerConnection | null} */
    const pc = window.parley?.pc ?? /** @type {any} */ (window).pc ?? null;
    let framesDecoded = 0;
    if (pc) {
      const stats = await RTCPeerConnection.prototype.getStats.call(pc);
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') framesDecoded += s.framesDecoded ?? 0;
      });
    }
    const v = /** @type {HTMLVideoElement | null} */ (document.getElementById('received_video'));
    return { framesDecoded, videoWidth: v?.videoWidth ?? 0, videoHeight: v?.videoHeight ?? 0 };
  });
}

/**
 * Waits until received_video has a size and framesDecoded rises between two
 * samples taken `gap` ms apart: video is really arriving, not one frozen frame.
 * @param {Page} page
 * @param {{timeout?: number, gap?: number}} [opts]
 * @returns {Promise<{first: number, second: number, width: number, height: number}>}
 */
export async function waitFramesFlowing(page, { timeout = 25000, gap = 700 } = {}) {
  return waitFor(
    async () => {
      const a = await videoStats(page);
      if (a.framesDecoded === 0 || a.videoWidth === 0) return null;
      await new Promise((r) => setTimeout(r, gap));
      const b = await videoStats(page);
      return b.framesDecoded > a.framesDecoded && b.videoWidth > 0 ? { first: a.framesDecoded, second: b.framesDecoded, width: b.videoWidth, height: b.videoHeight } : null;
    },
    { timeout, interval: 200, what: 'received video frames to be decoded' },
  );
}

/**
 * Opens the served client in a fresh context and signs in.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url the server's http URL
 * @param {string} name
 */
export async function openSignedIn(browser, url, name) {
  const { openPage } = await import('./browser.mjs');
  const opened = await openPage(browser, url);
  const given = await login(opened.page, name);
  return { ...opened, name: given };
}

/**
 * Places a call from `caller` to `callee` through the UI and waits until
 * both sides are in the call.
 * @param {Page} caller
 * @param {Page} callee
 * @param {string} calleeName
 */
export async function connect(caller, callee, calleeName) {
  await call(caller, calleeName);
  await waitState(callee, 'ringing');
  await accept(callee);
  await waitState(caller, 'in-call');
  await waitState(callee, 'in-call');
}
