// The people list: oneself excluded, the search box filters, people who
// leave disappear (user-left), and chat lines carry the server's name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSignal, waitFor } from './lib/signal.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { openSignedIn, userButton } from './lib/parley.mjs';

/** @type {import('./lib/signal.mjs').Signal} */
let signal;
/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  signal = await startSignal();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await signal?.stop();
});

/** @param {import('playwright-core').Page} page */
const listed = (page) => page.locator('#userlist button').allTextContents();

test('the list excludes oneself, filters by search, and drops people who leave', async () => {
  const A = await openSignedIn(browser, signal.url, 'tina');
  const B = await openSignedIn(browser, signal.url, 'uma');
  const C = await openSignedIn(browser, signal.url, 'tom');
  try {
    await waitFor(async () => (await listed(A.page)).length === 2, { what: 'two others in tina’s list' });
    assert.deepEqual(await listed(A.page), ['tom', 'uma']);
    assert.equal(await A.page.textContent('#user_count'), '2');

    await A.page.fill('#user_filter', 'T');
    assert.deepEqual(await listed(A.page), ['tom']);
    await A.page.fill('#user_filter', 'zzz');
    assert.deepEqual(await listed(A.page), []);
    assert.ok(await A.page.isVisible('#userlist_empty'));
    await A.page.fill('#user_filter', '');

    await C.context.close();
    await userButton(A.page, 'tom').waitFor({ state: 'detached', timeout: 15000 });
    assert.deepEqual(await listed(A.page), ['uma']);
    await A.page.locator('#chat_log li.system', { hasText: 'tom left.' }).waitFor({ timeout: 15000 });

    await B.page.fill('#chat_input', 'hello tina');
    await B.page.press('#chat_input', 'Enter');
    const line = A.page.locator('#chat_log li', { hasText: 'hello tina' });
    await line.waitFor({ timeout: 15000 });
    assert.equal(await line.locator('.who').textContent(), 'uma');
    assert.equal(await B.page.inputValue('#chat_input'), '', 'the box is cleared once sent');
    await B.page.locator('#chat_log li.mine', { hasText: 'hello tina' }).waitFor({ timeout: 15000 });
  } finally {
    await Promise.all([A.context.close(), B.context.close(), C.context.close()]);
  }
});
