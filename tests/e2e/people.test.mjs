// The people list: oneself excluded, the search box filters, people who
// leave disappear (user-left), and chat lines carry the server's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './lib/signal.mjs';
import { signalAndBrowser } from './lib/suite.mjs';
import { userButton } from './lib/parley.mjs';

const suite = signalAndBrowser();

/** @param {import('playwright-core').Page} page */
const listed = (page) => page.locator('#userlist button').allTextContents();

test('the list excludes oneself, filters by search, and drops people who leave', async () => {
  const A = await suite.signIn('tina');
  const B = await suite.signIn('uma');
  const C = await suite.signIn('tom');
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
});
