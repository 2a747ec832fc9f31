// The signaling server restarts while two people are in a call: the media
// path is peer to peer, so the call goes on; both clients reconnect on their
// own, sign in again under the same names, and see each other again.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSignal, waitFor } from './lib/signal.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { openSignedIn, connect, videoStats, userButton } from './lib/parley.mjs';

/** @type {import('./lib/signal.mjs').Signal[]} */
const servers = [];
/** @type {import('playwright-core').Browser | undefined} */
let browser;

after(async () => {
  await browser?.close();
  for (const s of servers) await s.stop();
});

test('a call survives a signaling restart and both users come back under their names', async () => {
  const first = await startSignal();
  servers.push(first);
  browser = await launchBrowser();
  const A = await openSignedIn(browser, first.url, 'rita');
  const B = await openSignedIn(browser, first.url, 'saul');
  try {
    await connect(A.page, B.page, B.name);

    await first.stop();
    await A.page.waitForFunction(() => window.parley.link !== 'open', null, { timeout: 15000 });
    assert.ok(await A.page.isVisible('#notice'), 'the user is told the server is gone');

    servers.push(await startSignal({ port: first.port }));
    for (const [P, other] of [[A, B], [B, A]]) {
      await P.page.waitForFunction(() => window.parley.link === 'open', null, { timeout: 20000 });
      await userButton(P.page, other.name).waitFor({ state: 'attached', timeout: 15000 });
      assert.equal(await P.page.evaluate(() => window.parley.name), P.name);
      assert.equal(await P.page.evaluate(() => window.parley.state), 'in-call');
      assert.ok(await P.page.isHidden('#notice'), 'the "disconnected" notice goes once the link is back');
    }
    const seen = (await videoStats(B.page)).framesDecoded;
    await waitFor(async () => (await videoStats(B.page)).framesDecoded > seen + 10, { what: 'video to keep flowing' });
  } finally {
    await Promise.all([A.context.close(), B.context.close()]);
  }
});
