// The call flow's edges: a taken name, a call to someone already in a call,
// a call to someone who has just left, two people calling each other at the
// same moment, and a peer whose browser dies mid-call (the server's
// "disconnected" hang-up).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './lib/signal.mjs';
import { signalAndBrowser } from './lib/suite.mjs';
import { connect, call, login, waitState, waitFramesFlowing, userButton } from './lib/parley.mjs';

const suite = signalAndBrowser();

test('a taken name is replaced by the server and the user is told the new one', async () => {
  const A = await suite.signIn('sam');
  const B = await suite.signIn('sam');
  assert.equal(A.name, 'sam');
  assert.notEqual(B.name, 'sam');
  assert.equal(await B.page.textContent('#my_name'), B.name);
  assert.ok(await B.page.isVisible('#notice'));
  assert.ok((await B.page.textContent('#notice_text'))?.includes(`you are “${B.name}”`));
});

test('calling someone who is in a call gets "busy"; their call goes on', async () => {
  const A = await suite.signIn('erin');
  const B = await suite.signIn('frank');
  const C = await suite.signIn('grace');
  await connect(A.page, B.page, B.name);
  await call(C.page, A.name);
  await waitState(C.page, 'idle');
  assert.match((await C.page.textContent('#call_status')) ?? '', /erin is in another call/);
  assert.equal(await A.page.evaluate(() => window.parley.state), 'in-call');
  assert.ok((await A.page.textContent('#notice_text'))?.includes('grace tried to call you'));
  await waitFramesFlowing(B.page);
});

test('calling someone who has just left ends with "not online" from the server', async () => {
  // A's socket is proxied so that it misses B's user-left: A still lists B
  // and calls, and the server answers the offer with a no-such-user error.
  const A = await suite.open();
  let leftSeen = false;
  await A.page.routeWebSocket(/.*/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((frame) => {
      if (typeof frame === 'string' && JSON.parse(frame).type === 'user-left') {
        leftSeen = true;
        return;
      }
      ws.send(frame);
    });
  });
  await login(A.page, 'uli');
  const B = await suite.signIn('vera');
  await userButton(A.page, B.name).waitFor({ timeout: 15000 });
  await B.context.close();
  await waitFor(() => leftSeen, { what: `the server to announce that ${B.name} left` });
  await call(A.page, B.name);
  await waitState(A.page, 'idle');
  assert.match((await A.page.textContent('#call_status')) ?? '', /vera is not online/);
});

test('ice-servers from the server configure the next call', async () => {
  // parley-signal sends no ice-servers yet: the proxied socket adds one after
  // "id", as a server with TURN configured would.
  const A = await suite.open();
  const iceServers = [{ urls: ['stun:127.0.0.1:9'] }, { urls: ['turn:127.0.0.1:9?transport=udp'], username: '1:wes', credential: 'c' }];
  await A.page.routeWebSocket(/.*/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((frame) => {
      ws.send(frame);
      if (typeof frame === 'string' && JSON.parse(frame).type === 'id') ws.send(JSON.stringify({ type: 'ice-servers', iceServers }));
    });
  });
  await login(A.page, 'wes');
  const B = await suite.signIn('xena');
  await connect(A.page, B.page, B.name);
  const used = await A.page.evaluate(() => window.parley.pc?.getConfiguration().iceServers);
  assert.deepEqual(used?.map((s) => s.urls).flat(), ['stun:127.0.0.1:9', 'turn:127.0.0.1:9?transport=udp']);
  assert.equal(used?.[1].username, '1:wes');
});

test('two people calling each other at once end up in one call', async () => {
  const A = await suite.signIn('pat');
  const B = await suite.signIn('quinn');
  await Promise.all([userButton(A.page, B.name).waitFor(), userButton(B.page, A.name).waitFor()]);
  // "At once" means the offers cross on the way. Each page holds back what
  // it sends for the call until both have clicked, as a slow network would;
  // without that, under load one offer could arrive before the other click,
  // and the test would see a call ringing instead of two crossing.
  const holdCallMessages = (/** @type {import('playwright-core').Page} */ page) =>
    page.evaluate(() => {
      const send = WebSocket.prototype.send;
      /** @type {[WebSocket, string][]} */
      const held = [];
      let holding = true;
      WebSocket.prototype.send = function (data) {
        if (holding && typeof data === 'string' && ['video-offer', 'new-ice-candidate'].includes(JSON.parse(data).type)) {
          held.push([this, data]);
          return;
        }
        send.call(this, data);
      };
      /** @type {any} */ (window).releaseCallMessages = () => {
        holding = false;
        WebSocket.prototype.send = send;
        for (const [ws, data] of held.splice(0)) send.call(ws, data);
      };
    });
  await Promise.all([holdCallMessages(A.page), holdCallMessages(B.page)]);
  /** @param {import('playwright-core').Page} page @param {string} name */
  const press = (page, name) =>
    page.evaluate((n) => {
      document.querySelector(`#userlist button[data-name="${CSS.escape(n)}"]`)?.dispatchEvent(new MouseEvent('click'));
      return window.parley.state;
    }, name);
  assert.deepEqual(await Promise.all([press(A.page, B.name), press(B.page, A.name)]), ['calling', 'calling']);
  const release = (/** @type {import('playwright-core').Page} */ page) =>
    page.evaluate(() => /** @type {any} */ (window).releaseCallMessages());
  await Promise.all([release(A.page), release(B.page)]);
  await waitState(A.page, 'in-call');
  await waitState(B.page, 'in-call');
  await waitFramesFlowing(A.page);
  await waitFramesFlowing(B.page);
  assert.equal(await A.page.isVisible('#incoming'), false);
  assert.equal(await B.page.isVisible('#incoming'), false);
});

test('when the peer’s browser dies, the server hangs up with "disconnected"', async () => {
  const A = await suite.signIn('heidi');
  const B = await suite.signIn('ivan');
  await connect(A.page, B.page, B.name);
  // A renderer crash sends nothing (no pagehide): only the server can tell A.
  const cdp = await B.context.newCDPSession(B.page);
  void cdp.send('Page.crash').catch(() => {}); // never answers: the session dies with the page
  await waitState(A.page, 'idle', 60000);
  assert.match((await A.page.textContent('#call_status')) ?? '', /ivan lost the connection/);
});
