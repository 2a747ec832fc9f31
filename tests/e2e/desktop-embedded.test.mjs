// The desktop app's default mode: with no server configured it runs the
// signaling server itself over HTTPS/WSS with its own self-signed
// certificate, and a browser user who opens the link can call the desktop
// user. The fingerprint the app shows must be the certificate's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { launchBrowser } from './lib/browser.mjs';
import { freePort } from './lib/signal.mjs';
import { login, waitFramesFlowing, waitState, call, hangUp } from './lib/parley.mjs';
import { startDesktop, startXvfb, waitMovingPicture } from './lib/desktop.mjs';

/** @type {Awaited<ReturnType<typeof startXvfb>>} */ let x;
/** @type {Awaited<ReturnType<typeof startDesktop>>} */ let desk;
/** @type {import('playwright-core').Browser} */ let browser;
let port = 0;

before(async () => {
  x = await startXvfb();
  port = await freePort();
  desk = await startDesktop({ display: x.display, args: ['--fake-media', '--name', 'desk', '--listen', `127.0.0.1:${port}`] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await desk?.stop();
  await x?.stop();
});

/**
 * The SHA-256 fingerprint of the certificate a TLS server presents, as
 * browsers show it.
 * @param {number} port
 * @returns {Promise<string>}
 */
function servedFingerprint(port) {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const der = s.getPeerCertificate().raw;
      s.end();
      const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
      resolve(/** @type {string[]} */ (hex.match(/../g)).join(':'));
    });
    s.on('error', reject);
  });
}

test('a browser user opens the built-in server\'s https link and calls the desktop user', { timeout: 180000 }, async (t) => {
  const ui = await (await browser.newContext()).newPage();
  await ui.goto(desk.url);
  try {
    await ui.waitForSelector('#signaling-status[data-status=online]', { timeout: 30000 });

    // Settings shows the link and the fingerprint of the certificate served.
    await ui.click('#btn-settings');
    const link = `https://127.0.0.1:${port}`;
    await ui.locator('#server-links', { hasText: link }).waitFor({ timeout: 10000 });
    const shown = (await ui.textContent('#server-fingerprint'))?.trim();
    assert.equal(shown, await servedFingerprint(port));
    await ui.click('#settings-cancel');

    // The browser user: a secure origin, so the camera is allowed.
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] });
    const web = await ctx.newPage();
    await web.goto(link + '/');
    assert.equal(await web.evaluate(() => window.isSecureContext), true);
    await login(web, 'web');

    await call(web, 'desk');
    await ui.waitForSelector('#incoming[open]', { timeout: 20000 });
    await ui.click('#incoming [data-act=accept]');
    await waitState(web, 'in-call');
    await waitFramesFlowing(web);
    await waitMovingPicture(ui, 'received_video', 'the browser user\'s picture on the desktop');
    await hangUp(web);
    await ui.waitForFunction(() => document.body.dataset.phase === 'idle', null, { timeout: 20000 });
  } catch (err) {
    t.diagnostic(`desktop log (tail): ${desk.log().split('\n').filter((l) => !l.includes('AssetHandler')).join('\n').slice(-3000)}`);
    throw err;
  }
});
