// The client's pure parts, run in node against the protocol's Go source:
// every error code and hang-up reason the server defines must have its own
// sentence in the client, so a code added to signaling/protocol without a
// client message fails here instead of showing users a raw code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from './lib/signal.mjs';

const web = path.join(repoRoot, 'signaling/web/static/js');
const shared = path.join(repoRoot, 'web/shared');
const { serverErrorText, MAX_NAME, MAX_TEXT } = await import(path.join(web, 'protocol.js'));
const { mediaErrorMessage, videoConstraints } = await import(path.join(web, 'media.js'));
const { formatDuration } = await import(path.join(shared, 'dom.js'));
const { endText } = await import(path.join(shared, 'endtext.js'));

/**
 * The string constants of one Go const block kind, e.g. ErrorCode values.
 * @param {string} file
 * @param {RegExp} re with one capture group for the value
 */
async function goConstants(file, re) {
  const src = await readFile(path.join(repoRoot, 'signaling/protocol', file), 'utf8');
  return [...src.matchAll(re)].map((m) => m[1]);
}

test('every server error code has its own sentence', async () => {
  const codes = await goConstants('errors.go', /^\s+Err\w+\s+ErrorCode = "([^"]+)"/gm);
  assert.ok(codes.length >= 10, `found the codes in errors.go: ${codes}`);
  const fallback = serverErrorText({ type: 'error', code: 'no-such-code-exists', message: 'x' });
  for (const code of codes) {
    const text = serverErrorText({ type: 'error', code, user: 'zoe', message: 'detail' });
    assert.notEqual(text, fallback.replace('no-such-code-exists', code).replace('x', 'detail'), `code ${code} has no sentence of its own`);
  }
  assert.equal(serverErrorText({ type: 'error', code: 'no-such-user', user: 'zoe' }), 'zoe is not online.');
});

test('every hang-up reason has a sentence naming the peer', async () => {
  const reasons = await goConstants('types.go', /^\s+Reason\w+\s+= "([^"]+)"/gm);
  assert.ok(reasons.length >= 5, `found the reasons in types.go: ${reasons}`);
  for (const reason of reasons) {
    const mine = endText(reason, 'zoe', true);
    const theirs = endText(reason, 'zoe', false);
    assert.ok(mine.includes('zoe') && theirs.includes('zoe'), `${reason} names the peer`);
  }
  assert.equal(endText('declined', 'zoe', false), 'zoe declined the call.');
  assert.equal(endText('busy', 'zoe', false), 'zoe is in another call.');
  assert.equal(endText('disconnected', 'zoe', false), 'zoe lost the connection.');
});

test('the client limits match the server limits', async () => {
  const src = await readFile(path.join(repoRoot, 'signaling/protocol/types.go'), 'utf8');
  assert.equal(MAX_NAME, Number(/MaxNameRunes\s+=\s+(\d+)/.exec(src)?.[1]));
  assert.equal(MAX_TEXT, Number(/MaxTextRunes\s+=\s+(\d+)/.exec(src)?.[1]));
});

test('getUserMedia errors get MDN\'s sentences', () => {
  assert.equal(mediaErrorMessage(new DOMException('x', 'NotFoundError')), 'No camera and/or microphone were found.');
  assert.match(mediaErrorMessage(new DOMException('x', 'NotAllowedError')), /denied/);
  assert.match(mediaErrorMessage(new DOMException('x', 'SecurityError')), /denied/);
  assert.equal(mediaErrorMessage(new DOMException('device busy', 'NotReadableError')), 'Error opening your camera and/or microphone: device busy');
});

test('video constraints ask for the picked size and rate, and the device exactly', () => {
  assert.deepEqual(videoConstraints({ cameraId: 'cam', micId: '', resolution: '1080p', frameRate: 24 }), {
    width: { ideal: 1920 },
    height: { ideal: 1080 },
    frameRate: { ideal: 24 },
    deviceId: { exact: 'cam' },
  });
  assert.equal(videoConstraints({ cameraId: '', micId: '', resolution: '360p', frameRate: 15 }).deviceId, undefined);
});

test('the call timer reads m:ss, then h:mm:ss', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(65_000), '1:05');
  assert.equal(formatDuration(3_725_000), '1:02:05');
});
