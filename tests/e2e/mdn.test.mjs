// Compatibility with MDN's webrtc-from-chat client, played by
// fixtures/mdn-client.js: Parley's client must call it and be called by it,
// with video decoded both ways. MDN's client answers by adding transceivers
// and then re-offering, which Parley must accept as a renegotiation.
// NOTES.md: MDN's client races its own renegotiation in about 3 of 26 calls,
// so each scenario may run a second time with fresh pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSignal, withOneRetry } from './lib/signal.mjs';
import { launchBrowser, openPage } from './lib/browser.mjs';
import { openMDNClient, mdnCall, startFixtureServer } from './lib/fixtures.mjs';
import { login, call, accept, hangUp, waitState, waitFramesFlowing } from './lib/parley.mjs';

/** @type {import('./lib/signal.mjs').Signal} */
let signal;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('./lib/fixtures.mjs').FixtureServer} */
let fixtures;

before(async () => {
  fixtures = await startFixtureServer();
  signal = await startSignal({ args: ['--allow-origin', fixtures.host] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await signal?.stop();
  await fixtures?.close();
});

test('Parley calls the MDN client: video both ways, then hang-up closes the MDN side', async () => {
  await withOneRetry(async (attempt) => {
    const P = await openPage(browser, signal.url);
    const M = await openMDNClient(browser, fixtures, signal.wsURL, `mdn-callee-${attempt}`);
    try {
      await login(P.page, `parley-caller-${attempt}`);
      await call(P.page, M.name);
      await waitState(P.page, 'in-call');
      await waitFramesFlowing(P.page);
      await waitFramesFlowing(M.page);
      // MDN answered with its tracks on new transceivers and re-offered;
      // Parley accepted, so it now has transceivers beyond its own two.
      const count = await P.page.evaluate(() => window.parley.pc?.getTransceivers().length);
      assert.ok((count ?? 0) > 2, `Parley accepted MDN's renegotiation (transceivers: ${count})`);

      await hangUp(P.page);
      await waitState(P.page, 'idle');
      await M.page.waitForFunction(() => /** @type {any} */ (window).pc === null, null, { timeout: 15000 });
    } finally {
      await Promise.all([P.context.close(), M.context.close()]);
    }
  });
});

test('the MDN client calls Parley: video both ways, and its hang-up ends the call in Parley', async () => {
  await withOneRetry(async (attempt) => {
    const P = await openPage(browser, signal.url);
    const M = await openMDNClient(browser, fixtures, signal.wsURL, `mdn-caller-${attempt}`);
    try {
      const nameP = await login(P.page, `parley-callee-${attempt}`);
      await mdnCall(M.page, nameP);
      await waitState(P.page, 'ringing');
      assert.equal(await P.page.textContent('#incoming_caller'), M.name);
      await accept(P.page);
      await waitState(P.page, 'in-call');
      await waitFramesFlowing(P.page);
      await waitFramesFlowing(M.page);

      // MDN's hang-up button sends a plain hang-up (no reason).
      await M.page.click('#hangup');
      await waitState(P.page, 'idle');
      assert.match((await P.page.textContent('#call_status')) ?? '', new RegExp(`${M.name} hung up`));
    } finally {
      await Promise.all([P.context.close(), M.context.close()]);
    }
  });
});
