// Names and chat are user data: they must reach other people's screens as
// the literal characters typed, never as markup. Each hostile string would
// set window.__pwned if it were ever parsed as HTML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signalAndBrowser } from './lib/suite.mjs';
import { login, call, waitState, userButton, decline } from './lib/parley.mjs';

const suite = signalAndBrowser();

const IMG_NAME = '<img src=x onerror=__pwned=1>';
const SCRIPT_NAME = '<script>__pwned=2</script>';
const CHAT = '<img src=x onerror="window.__pwned=3"><script>window.__pwned=4</script><b>bold</b>';

/**
 * Elements that user data must never create, and whether any handler ran.
 * @param {import('playwright-core').Page} page
 */
function injected(page) {
  return page.evaluate(() => ({
    img: document.querySelectorAll('img').length,
    b: document.querySelectorAll('b').length,
    // index.html has exactly one script, the module entry point in <head>.
    bodyScripts: document.body.querySelectorAll('script').length,
    pwned: /** @type {any} */ (window).__pwned ?? null,
  }));
}

test('hostile names and chat are shown as text, never as markup', async () => {
  const A = await suite.open();
  const B = await suite.open();
  const nameA = await login(A.page, IMG_NAME);
  const nameB = await login(B.page, SCRIPT_NAME);
  assert.equal(nameA, IMG_NAME);
  assert.equal(nameB, SCRIPT_NAME);

  // The people list shows the other's name literally.
  await userButton(A.page, SCRIPT_NAME).waitFor({ timeout: 15000 });
  await userButton(B.page, IMG_NAME).waitFor({ timeout: 15000 });
  assert.equal(await A.page.textContent('#my_name'), IMG_NAME);

  // Chat, in both directions.
  await A.page.fill('#chat_input', CHAT);
  await A.page.click('#chat_send');
  for (const page of [A.page, B.page]) {
    const line = page.locator('#chat_log li', { hasText: 'bold' });
    await line.waitFor({ timeout: 15000 });
    assert.equal(await line.locator('.text').textContent(), CHAT);
    assert.equal(await line.locator('.who').textContent(), IMG_NAME);
  }

  // The incoming-call prompt and the call status carry the caller's name.
  await call(B.page, IMG_NAME);
  await waitState(A.page, 'ringing');
  assert.equal(await A.page.textContent('#incoming_caller'), SCRIPT_NAME);
  await decline(A.page);
  await waitState(B.page, 'idle');
  assert.ok((await B.page.textContent('#call_status'))?.includes(`${IMG_NAME} declined`));

  for (const page of [A.page, B.page]) {
    assert.deepEqual(await injected(page), { img: 0, b: 0, bodyScripts: 0, pwned: null });
  }
});
