// Two desktops, one server: desktop B joins desktop A's built-in signaling
// server with the invite link A shows (https://HOST:PORT/?fp=…), the link's
// fingerprint being the only thing that vouches for A's self-signed
// certificate. A link whose fingerprint is off by one digit must be refused
// as an identity change, not quietly accepted; the right one must lead to a
// call with video both ways. Real Wails windows (the dev build) on Xvfb,
// driven through their pages; loopback only, and no LAN discovery (it would
// multicast on the host's network).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage } from './lib/browser.mjs';
import { freePort, waitFor } from './lib/signal.mjs';
import { desktopCallButton, logTail, startDesktop, startXvfb, waitMovingPicture, waitPhase } from './lib/desktop.mjs';

/** @typedef {import('playwright-core').Page} Page */

/** @type {Awaited<ReturnType<typeof startXvfb>>} */ let x;
/** @type {import('./lib/desktop.mjs').Desktop} */ let deskA;
/** @type {import('./lib/desktop.mjs').Desktop} */ let deskB;
/** @type {import('playwright-core').Browser} */ let browser;
/** @type {Page} */ let uiA;
/** @type {Page} */ let uiB;
/** @type {string[]} */ let problemsA = [];
/** @type {string[]} */ let problemsB = [];
let portA = 0;
let portB = 0;

before(async () => {
  x = await startXvfb();
  portA = await freePort();
  do portB = await freePort(); while (portB === portA);
  /** @param {string} name @param {number} port */
  const args = (name, port) => ['--fake-media', '--name', name, '--listen', `127.0.0.1:${port}`, '--no-discovery'];
  [deskA, deskB] = await Promise.all([
    startDesktop({ display: x.display, args: args('deska', portA) }),
    startDesktop({ display: x.display, args: args('deskb', portB) }),
  ]);
  browser = await launchBrowser();
  ({ page: uiA, problems: problemsA } = await openPage(browser, deskA.url));
  ({ page: uiB, problems: problemsB } = await openPage(browser, deskB.url));
});

after(async () => {
  await browser?.close();
  await Promise.all([deskA?.stop(), deskB?.stop()]);
  await x?.stop();
});

/**
 * The link with one hex digit of its fingerprint changed: still a
 * well-formed invite link, but to a certificate the server does not have.
 * @param {string} link
 */
function tampered(link) {
  const last = link.at(-1);
  return link.slice(0, -1) + (last === '0' ? '1' : '0');
}

/**
 * Opens the "Join a link" dialog, types link and submits it with Enter (or
 * the Join button).
 * @param {Page} page
 * @param {string} link
 * @param {'enter'|'click'} how
 */
async function joinLink(page, link, how) {
  await page.click('#btn-join-link');
  await page.waitForSelector('#join-dialog[open]');
  // The field has the focus: the user can paste at once.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'join-link');
  await page.fill('#join-link', link);
  if (how === 'enter') await page.press('#join-link', 'Enter');
  else await page.click('#join-dialog [data-act=join]');
}

/**
 * Waits until the "Join a link" dialog has closed (a closed dialog is
 * hidden, so waitForSelector's default "visible" would never come).
 * @param {Page} page
 */
function joinClosed(page) {
  return page.waitForFunction(() => !(/** @type {HTMLDialogElement} */ (document.getElementById('join-dialog'))).open, null, { timeout: 10000 });
}

/** Texts of the toasts a page shows. @param {Page} page */
function toastTexts(page) {
  return page.locator('.toast').allTextContents().catch(() => []);
}

test('a desktop joins another desktop\'s built-in server from its link', { timeout: 240000 }, async (t) => {
  try {
    await uiA.waitForSelector('#signaling-status[data-status=online]', { timeout: 30000 });
    // B starts on its own built-in server, alone.
    await uiB.waitForSelector('#signaling-status[data-status=online]', { timeout: 30000 });

    // A's invite link, as its Settings show it; the app logs the same link
    // (where a user without the window finds it).
    await uiA.click('#btn-settings');
    const prefix = `https://127.0.0.1:${portA}/?fp=`;
    const shown = uiA.locator('#server-links code', { hasText: prefix });
    await shown.waitFor({ timeout: 10000 });
    const link = (await shown.textContent())?.trim() ?? '';
    assert.match(link, new RegExp(`^https://127\\.0\\.0\\.1:${portA}/\\?fp=[0-9a-f]{64}$`));
    assert.equal((await uiA.textContent('#server-title'))?.trim(), 'This computer\'s server');
    // The setting defaults to on; --no-discovery keeps this run off the LAN regardless.
    assert.equal(await uiA.isChecked('#set-discovery'), true);
    await uiA.click('#settings-cancel');
    await waitFor(() => deskA.log().includes(`invite link: ${prefix}`), { timeout: 10000, what: 'the invite link in A\'s log' });
    assert.ok(deskA.log().includes(`invite link: ${link}`), 'the logged link is not the one Settings shows');

    // Not a link at all: the dialog says why and stays open.
    await joinLink(uiB, 'deska please', 'enter');
    await uiB.locator('#join-error', { hasText: 'not a Parley invite link' }).waitFor({ timeout: 10000 });
    assert.equal(await uiB.isVisible('#join-dialog'), true);
    await uiB.click('#join-dialog [data-act=cancel]');
    await joinClosed(uiB);

    // A well-formed link whose fingerprint is not A's certificate's: JoinLink
    // takes it, the connection is refused, and the user is told why.
    await joinLink(uiB, tampered(link), 'enter');
    await joinClosed(uiB);
    await uiB.locator('.toast', { hasText: `Joining 127.0.0.1:${portA}` }).waitFor({ timeout: 10000 });
    const refused = uiB.locator('.toast', { hasText: 'identity changed' });
    await refused.waitFor({ timeout: 30000 });
    t.diagnostic(`refused: ${(await refused.textContent())?.replace(/\s+/g, ' ')}`);
    assert.equal(await uiB.getAttribute('#signaling-status', 'data-status'), 'offline');

    // The right link: B signs in on A's server, and each sees the other.
    await joinLink(uiB, link, 'click');
    await joinClosed(uiB);
    await desktopCallButton(uiA, 'deskb').waitFor({ timeout: 30000 });
    await desktopCallButton(uiB, 'deska').waitFor({ timeout: 30000 });
    await uiB.waitForSelector('#signaling-status[data-status=online]');
    // Online again: the refusal no longer applies.
    await refused.waitFor({ state: 'detached', timeout: 10000 });
    // The server is kept in B's settings for the next start.
    await uiB.click('#btn-settings');
    await waitFor(async () => (await uiB.inputValue('#set-server')) === `wss://127.0.0.1:${portA}/`, { timeout: 10000, what: 'A\'s server in B\'s settings' });
    await uiB.click('#settings-cancel');

    // B calls A, A accepts, and pictures move both ways.
    await desktopCallButton(uiB, 'deska').click();
    await uiA.waitForSelector('#incoming[open]', { timeout: 20000 });
    assert.equal(await uiA.textContent('#incoming-caller'), 'deskb');
    await uiA.click('#incoming [data-act=accept]');
    await Promise.all([waitPhase(uiA, 'in-call'), waitPhase(uiB, 'in-call')]);
    const [onA, onB] = await Promise.all([
      waitMovingPicture(uiA, 'received_video', 'B\'s picture on A'),
      waitMovingPicture(uiB, 'received_video', 'A\'s picture on B'),
    ]);
    t.diagnostic(`received_video: on A mean ${onA.mean.toFixed(0)} moved ${onA.moved}; on B mean ${onB.mean.toFixed(0)} moved ${onB.moved}`);

    await uiB.click('#btn-hangup');
    await Promise.all([waitPhase(uiA, 'idle'), waitPhase(uiB, 'idle')]);
  } catch (err) {
    t.diagnostic(`A toasts: ${JSON.stringify(await toastTexts(uiA))}; B toasts: ${JSON.stringify(await toastTexts(uiB))}`);
    t.diagnostic(`A status: ${await uiA.textContent('#signaling-status').catch(() => '?')}; B status: ${await uiB.textContent('#signaling-status').catch(() => '?')}`);
    t.diagnostic(`page problems: A ${problemsA.join('\n')}; B ${problemsB.join('\n')}`);
    t.diagnostic(`desktop A log (tail): ${logTail(deskA)}`);
    t.diagnostic(`desktop B log (tail): ${logTail(deskB)}`);
    throw err;
  }
});
