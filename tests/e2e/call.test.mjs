// Two people in two Chromium contexts sign in through the served client and
// call each other: both must decode the other's video, and hanging up must
// bring both back to idle with the reason shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signalAndBrowser } from './lib/suite.mjs';
import { login, call, accept, hangUp, waitState, waitFramesFlowing, decline } from './lib/parley.mjs';

const suite = signalAndBrowser();

/** Two pages, both open before either signs in. */
async function pair(a, b) {
  const A = await suite.open();
  const B = await suite.open();
  const nameA = await login(A.page, a);
  const nameB = await login(B.page, b);
  return { A, B, nameA, nameB };
}

test('a call between two browsers decodes video both ways, and hang-up ends it on both sides', async () => {
  const { A, B, nameA, nameB } = await pair('alice', 'bob');
  await call(A.page, nameB);
  await waitState(A.page, 'calling');
  await waitState(B.page, 'ringing');
  assert.equal(await B.page.textContent('#incoming_caller'), nameA);
  await B.page.waitForFunction(() => window.parley.ringing, null, { timeout: 5000 });
  await accept(B.page);
  await waitState(A.page, 'in-call');
  await waitState(B.page, 'in-call');
  assert.equal(await B.page.evaluate(() => window.parley.ringing), false, 'the ring stops once answered');
  const atA = await waitFramesFlowing(A.page);
  const atB = await waitFramesFlowing(B.page);
  assert.ok(atA.width > 0 && atB.width > 0);
  // Sound and picture play from one element.
  for (const page of [A.page, B.page]) {
    const kinds = await page.evaluate(() => {
      const v = /** @type {HTMLVideoElement} */ (document.getElementById('received_video'));
      return v.srcObject instanceof MediaStream ? v.srcObject.getTracks().map((t) => t.kind).sort() : [];
    });
    assert.deepEqual(kinds, ['audio', 'video']);
  }
  assert.ok(await A.page.isVisible('#call_timer'), 'the call timer runs');

  await hangUp(A.page);
  await waitState(A.page, 'idle');
  await waitState(B.page, 'idle');
  assert.match(await A.page.textContent('#call_status') ?? '', /You hung up on bob/);
  assert.match(await B.page.textContent('#call_status') ?? '', /alice hung up/);
  assert.equal(await A.page.evaluate(() => window.parley.pc), null);
  assert.deepEqual([...A.problems, ...B.problems], [], 'no script errors, no console errors (CSP violations included)');
});

test('declining a call returns both sides to idle with the reason shown', async () => {
  const { A, B, nameA, nameB } = await pair('carol', 'dave');
  await call(A.page, nameB);
  await waitState(B.page, 'ringing');
  await decline(B.page);
  await waitState(B.page, 'idle');
  await waitState(A.page, 'idle');
  assert.match(await A.page.textContent('#call_status') ?? '', new RegExp(`${nameB} declined the call`));
  assert.match(await B.page.textContent('#call_status') ?? '', new RegExp(`You declined the call from ${nameA}`));
  assert.ok(await B.page.isHidden('#incoming'), 'the prompt is gone');
});

test('a caller who gives up while it rings leaves a missed call', async () => {
  const { A, B, nameA, nameB } = await pair('eve', 'fred');
  await call(A.page, nameB);
  await waitState(B.page, 'ringing');
  assert.equal(await B.page.title(), `${nameA} is calling — Parley`);
  await hangUp(A.page);
  await waitState(A.page, 'idle');
  await waitState(B.page, 'idle');
  assert.match((await B.page.textContent('#call_status')) ?? '', new RegExp(`You missed a call from ${nameA}`));
  assert.ok(await B.page.isHidden('#incoming'));
});
