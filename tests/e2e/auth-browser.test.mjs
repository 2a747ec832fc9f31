// Access control seen from Chromium: the served client passes ?token= from
// its page URL to the socket, a missing or wrong token is shown as a clear
// error on the sign-in form (and the page stops retrying), a signed token
// lets its holder register only its own name, and a page from another
// origin cannot open the socket at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot, startSignal } from './lib/signal.mjs';
import { launchBrowser, openPage } from './lib/browser.mjs';
import { login } from './lib/parley.mjs';

/** @type {import('./lib/signal.mjs').Signal} */
let shared;
/** @type {import('./lib/signal.mjs').Signal} */
let signed;
/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  shared = await startSignal({ args: ['--auth', 'token', '--auth-token', 'open-sesame'] });
  signed = await startSignal({ args: ['--auth', 'signed', '--auth-secret', 'e2e-signing-key'] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await shared?.stop();
  await signed?.stop();
});

/**
 * Submits a name and waits for the sign-in form's error.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function refusedLogin(page, name) {
  await page.fill('#login_name', name);
  await page.click('#login_button');
  await page.waitForFunction(() => (document.getElementById('login_error')?.textContent ?? '') !== '', null, { timeout: 15000 });
  return page.textContent('#login_error');
}

test('shared token: with ?token= the page signs in; without or wrong, it shows why', async () => {
  const ok = await openPage(browser, shared.url + '?token=open-sesame');
  const none = await openPage(browser, shared.url);
  const wrong = await openPage(browser, shared.url + '?token=guess');
  try {
    assert.equal(await login(ok.page, 'alice'), 'alice');
    for (const p of [none, wrong]) {
      const text = await refusedLogin(p.page, 'mallory');
      assert.match(text ?? '', /refused access/);
      assert.deepEqual(await p.page.evaluate(() => [window.parley.state, window.parley.users.length]), ['signed-out', 0], 'a refused page gets no user list');
    }
    assert.deepEqual(ok.problems, []);
  } finally {
    await Promise.all([ok.context.close(), none.context.close(), wrong.context.close()]);
  }
});

test('signed token: its holder may register only the name it was issued for', async () => {
  const token = execFileSync(path.join(repoRoot, 'bin/parley-signal'), ['token', '--user', 'ada', '--ttl', '1h', '--secret', 'e2e-signing-key']).toString().trim();
  const good = await openPage(browser, signed.url + '?token=' + token);
  const other = await openPage(browser, signed.url + '?token=' + token);
  try {
    assert.equal(await login(good.page, 'ada'), 'ada');
    const text = await refusedLogin(other.page, 'grace');
    assert.match(text ?? '', /another user name/);
  } finally {
    await Promise.all([good.context.close(), other.context.close()]);
  }
});

test('a page from another origin cannot open the signaling socket', async () => {
  const foreign = http.createServer((_, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>elsewhere</title>');
  });
  foreign.listen(0, '127.0.0.1');
  await once(foreign, 'listening');
  const addr = /** @type {import('node:net').AddressInfo} */ (foreign.address());
  const p = await openPage(browser, `http://127.0.0.1:${addr.port}/`);
  try {
    const outcome = await p.page.evaluate(
      (url) =>
        new Promise((resolve) => {
          const ws = new WebSocket(url, 'json');
          ws.onopen = () => resolve('open');
          ws.onclose = (ev) => resolve(`closed ${ev.code}`);
        }),
      shared.wsURL + '?token=open-sesame',
    );
    // The server answers 403 to the foreign Origin; the browser reports an
    // abnormal closure and never opens the socket, token or not.
    assert.equal(outcome, 'closed 1006');
  } finally {
    await p.context.close();
    foreign.close();
  }
});
