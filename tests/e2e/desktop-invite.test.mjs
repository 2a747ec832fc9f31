// Joining a desktop's built-in server by its invite link: the link the app
// logs at start ("invite link: https://…/?fp=…") carries the certificate's
// fingerprint, so other Parley peers accept that self-signed certificate
// and no other. Two headless peers join with --join and call each other
// with video both ways; the same link with one hex digit of the fingerprint
// changed is refused with an error that names the identity mismatch.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, repoRoot, waitFor } from './lib/signal.mjs';
import { startDesktop, startXvfb } from './lib/desktop.mjs';

const parleyBin = path.join(repoRoot, 'bin/parley');

/** @type {Awaited<ReturnType<typeof startXvfb>>} */ let x;
/** @type {Awaited<ReturnType<typeof startDesktop>>} */ let desk;
let dir = '';
let link = '';

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parley-invite-'));
  x = await startXvfb();
  const port = await freePort();
  desk = await startDesktop({ display: x.display, args: ['--fake-media', '--name', 'desk', '--listen', `127.0.0.1:${port}`, '--no-discovery'] });
  await waitFor(() => /invite link: (https:\/\/\S+)/.exec(desk.log())?.[1], { timeout: 30000, what: 'the desktop\'s logged invite link' });
  link = /** @type {RegExpExecArray} */ (/invite link: (https:\/\/\S+)/.exec(desk.log()))[1].replace(/"$/, '');
  assert.match(link, new RegExp(`^https://127\\.0\\.0\\.1:${port}/\\?fp=[0-9a-f]{64}$`));
});

after(async () => {
  await desk?.stop();
  await x?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * Runs bin/parley --headless --join link as name; resolves with the exit
 * code, the output and the --stats-json result.
 * @param {string} name
 * @param {string} joinLink
 * @param {string[]} args
 */
async function joinPeer(name, joinLink, args) {
  const statsFile = path.join(dir, `${name}.json`);
  const proc = spawn(parleyBin, ['--headless', '--join', joinLink, '--name', name, '--fake-media', '--width', '320', '--height', '240',
    '--wait', '60s', '--stats-json', statsFile, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout?.on('data', (d) => (output += d));
  proc.stderr?.on('data', (d) => (output += d));
  const [code] = await once(proc, 'exit');
  const stats = existsSync(statsFile) ? JSON.parse(await readFile(statsFile, 'utf8')) : null;
  return { code, output, stats };
}

test('two headless peers join the desktop\'s server by its invite link and call with video both ways', { timeout: 120000 }, async () => {
  const [callee, caller] = await Promise.all([
    joinPeer('ann', link, ['--auto-answer', '--duration', '8s']),
    joinPeer('ben', link, ['--call', 'ann', '--duration', '4s']),
  ]);
  for (const r of [caller, callee]) {
    assert.equal(r.code, 0, `a peer failed:\n${r.output}`);
    assert.ok(r.stats.connected, 'connected');
    assert.ok(r.stats.framesDecoded >= 30, `decoded ${r.stats.framesDecoded} frames`);
    assert.ok(r.stats.peerReceivesVideo, 'the other side received video');
  }
});

test('the same link with one hex digit of the fingerprint changed is refused as an identity mismatch', { timeout: 60000 }, async () => {
  const fp = /** @type {RegExpExecArray} */ (/fp=([0-9a-f]{64})/.exec(link))[1];
  const flipped = (fp[0] === '0' ? '1' : '0') + fp.slice(1);
  const r = await joinPeer('mallory', link.replace(fp, flipped), ['--wait', '5s']);
  assert.equal(r.code, 3, `the peer was not refused:\n${r.output}`);
  assert.match(r.output, /identity changed/);
  /** @param {string} s */
  const canon = (s) => /** @type {string[]} */ (s.toUpperCase().match(/../g)).join(':');
  assert.ok(r.output.includes(canon(fp)) && r.output.includes(canon(flipped)), `the error names both fingerprints:\n${r.output}`);
});
