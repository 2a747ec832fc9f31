// A relay-only call (iceTransportPolicy "relay") between two Chromium pages
// through parley-signal's built-in TURN relay, using only the time-limited
// credentials the server sends each registered client in "ice-servers".
// --turn-allow-private is needed because both peers are on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startSignal } from './lib/signal.mjs';
import { launchBrowser, openPage } from './lib/browser.mjs';

/** @type {import('./lib/signal.mjs').Signal} */
let signal;
/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  const turnPort = await freePort();
  signal = await startSignal({
    args: ['--turn-listen', `127.0.0.1:${turnPort}`, '--turn-secret', 'e2e-turn', '--public-ip', '127.0.0.1', '--turn-allow-private'],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await signal?.stop();
});

/**
 * Registers name over a raw socket in the page and resolves to the ICE
 * servers the server sent after registration.
 * @param {import('playwright-core').Page} page
 * @param {string} wsURL
 * @param {string} name
 */
function register(page, wsURL, name) {
  return page.evaluate(
    ([url, name]) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(url, 'json');
        // @ts-ignore kept alive for the test
        window.__ws = ws;
        setTimeout(() => reject(new Error('no ice-servers within 15 s')), 15000);
        ws.onmessage = (ev) => {
          const m = JSON.parse(ev.data);
          if (m.type === 'id') ws.send(JSON.stringify({ type: 'username', name, id: m.id, date: Date.now() }));
          if (m.type === 'ice-servers') resolve(m.iceServers);
        };
        ws.onclose = (ev) => reject(new Error(`closed ${ev.code}`));
      }),
    [wsURL, name],
  );
}

test('two browsers connect relay-only through the built-in TURN server', async () => {
  const A = await openPage(browser, signal.url);
  const B = await openPage(browser, signal.url);
  try {
    const iceA = await register(A.page, signal.wsURL, 'alice');
    const iceB = await register(B.page, signal.wsURL, 'bob');
    assert.match(iceA[0].username, /^\d+:alice$/);
    assert.ok(iceA[0].urls.some((u) => u.startsWith('turn:127.0.0.1:')), JSON.stringify(iceA));

    // Each page makes a relay-only connection with its own credentials;
    // node carries the complete descriptions between them.
    const setup = ([servers, offerer]) => {
      const pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: 'relay' });
      // @ts-ignore
      window.__pc = pc;
      // @ts-ignore
      window.__got = new Promise((resolve) => {
        pc.ondatachannel = (ev) => (ev.channel.onmessage = (m) => resolve(m.data));
      });
      if (offerer) {
        const dc = pc.createDataChannel('probe');
        dc.onopen = () => dc.send('through the relay');
      }
    };
    await A.page.evaluate(setup, [iceA, true]);
    await B.page.evaluate(setup, [iceB, false]);
    const gathered = async (/** @type {RTCSessionDescriptionInit | null} */ remote) => {
      // @ts-ignore
      const pc = /** @type {RTCPeerConnection} */ (window.__pc);
      if (remote) await pc.setRemoteDescription(remote);
      await pc.setLocalDescription();
      if (pc.iceGatheringState !== 'complete') {
        await new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve(null)));
      }
      return pc.localDescription?.toJSON();
    };
    const offer = await A.page.evaluate(gathered, null);
    assert.match(offer.sdp, /typ relay/);
    assert.doesNotMatch(offer.sdp, /typ host/);
    const answer = await B.page.evaluate(gathered, offer);
    await A.page.evaluate(async (answer) => {
      // @ts-ignore
      await window.__pc.setRemoteDescription(answer);
    }, answer);
    // @ts-ignore
    const got = await B.page.evaluate(() => Promise.race([window.__got, new Promise((_, r) => setTimeout(() => r(new Error('no data in 20 s')), 20000))]));
    assert.equal(got, 'through the relay');
    const localType = await A.page.evaluate(async () => {
      // @ts-ignore
      const stats = await RTCPeerConnection.prototype.getStats.call(window.__pc);
      for (const s of stats.values()) {
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') return stats.get(s.localCandidateId)?.candidateType;
      }
      return 'none';
    });
    assert.equal(localType, 'relay');
  } finally {
    await Promise.all([A.context.close(), B.context.close()]);
  }
});
