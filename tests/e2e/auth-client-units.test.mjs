// The browser client's token and user-delta handling, run in node: the page
// passes ?token= from its own URL to the socket (browsers cannot send an
// Authorization header on a WebSocket), and batched user-joined/user-left
// frames (more than 16 changes in one interval: "users", no "name") are
// read in full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { repoRoot } from './lib/signal.mjs';

const web = path.join(repoRoot, 'signaling/web/static/js');
const { deltaNames, serverErrorText } = await import(path.join(web, 'protocol.js'));
const { signalingURL } = await import(path.join(web, 'signaling.js'));

test('the page token goes on the socket URL, escaped', () => {
  assert.equal(signalingURL({ protocol: 'http:', host: 'h:6503', search: '' }), 'ws://h:6503/');
  assert.equal(signalingURL({ protocol: 'https:', host: 'h', search: '?token=p1.YWxpY2U.1.x-_' }), 'wss://h/?token=p1.YWxpY2U.1.x-_');
  assert.equal(signalingURL({ protocol: 'http:', host: 'h', search: '?a=1&token=a%26b%3Dc' }), 'ws://h/?token=a%26b%3Dc');
});

test('user deltas: a batch, a single name, or nothing', () => {
  const batch = Array.from({ length: 40 }, (_, i) => `u${i}`);
  assert.deepEqual(deltaNames({ type: 'user-joined', users: batch }), batch);
  assert.deepEqual(deltaNames({ type: 'user-left', name: 'bob', users: ['bob'] }), ['bob']);
  assert.deepEqual(deltaNames({ type: 'user-left', name: 'bob' }), ['bob']);
  assert.deepEqual(deltaNames({ type: 'user-left' }), []);
});

test('the unauthorized error says what to do', () => {
  const text = serverErrorText({ type: 'error', code: 'unauthorized', message: 'token expired' });
  assert.match(text, /token expired/);
  assert.match(text, /\?token=/);
});
