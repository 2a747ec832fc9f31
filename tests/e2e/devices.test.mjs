// Devices during a call: switching camera, resolution and frame rate takes
// effect without renegotiation (replaceTrack / applyConstraints), mute and
// camera-off act on the sent tracks, and a machine with no camera or
// microphone still joins calls receive-only, with MDN's error sentence shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSignal, waitFor } from './lib/signal.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { openSignedIn, connect, waitFramesFlowing, videoStats } from './lib/parley.mjs';

/** @type {import('./lib/signal.mjs').Signal} */
let signal;
/**
 * Three fake cameras. The second (fake_device_1) is not a usable switch
 * target: it plays in a <video> but never reaches the encoder (measured:
 * framesEncoded stops, even on a bare loopback RTCPeerConnection), because
 * Chromium's fake devices differ in pixel format. fake_device_2 works.
 * @type {import('playwright-core').Browser}
 */
let browser;
/** @type {import('playwright-core').Browser} no camera, no microphone */
let bare;
/** @type {import('playwright-core').Browser} devices present, permission refused */
let denied;

before(async () => {
  signal = await startSignal();
  [browser, bare, denied] = await Promise.all([launchBrowser({ fakeMedia: 'device-count=3' }), launchBrowser({ fakeMedia: false }), launchBrowser({ denyMedia: true })]);
});

after(async () => {
  await Promise.all([browser?.close(), bare?.close(), denied?.close()]);
  await signal?.stop();
});

/**
 * What the page sends: its senders' tracks and the negotiated descriptions.
 * @param {import('playwright-core').Page} page
 */
function sending(page) {
  return page.evaluate(() => {
    const pc = window.parley.pc;
    if (!pc) return null;
    /** @param {string} kind */
    const track = (kind) => {
      const t = pc.getSenders().find((s) => s.track?.kind === kind)?.track;
      return t ? { label: t.label, enabled: t.enabled, settings: t.getSettings() } : null;
    };
    return { video: track('video'), audio: track('audio'), local: pc.localDescription?.sdp, remote: pc.remoteDescription?.sdp };
  });
}

test('camera, microphone, resolution, frame rate and sound processing change mid-call without renegotiation', async () => {
  const A = await openSignedIn(browser, signal.url, 'judy');
  const B = await openSignedIn(browser, signal.url, 'ken');
  try {
    await connect(A.page, B.page, B.name);
    await waitFramesFlowing(B.page);
    const before = await sending(A.page);
    assert.equal(before?.video?.label, 'fake_device_0');

    await A.page.click('#settings_button');
    await waitFor(async () => (await A.page.locator('#camera_select option', { hasText: 'fake_device_2' }).count()) === 1, { what: 'camera labels in the picker' });
    await A.page.selectOption('#camera_select', { label: 'fake_device_2' });
    await waitFor(async () => (await sending(A.page))?.video?.label === 'fake_device_2', { what: 'the third camera to be sent' });

    await A.page.selectOption('#resolution_select', '360p');
    await A.page.selectOption('#framerate_select', '15');
    await waitFor(
      async () => {
        const s = (await sending(A.page))?.video?.settings;
        return s?.width === 640 && s?.height === 360 && s?.frameRate === 15;
      },
      { what: 'the camera to run at 640x360, 15 fps' },
    );

    await A.page.selectOption('#mic_select', { label: 'Fake Audio Input 2' });
    await waitFor(async () => (await sending(A.page))?.audio?.label === 'Fake Audio Input 2', { what: 'the second microphone to be sent' });
    assert.equal((await sending(A.page))?.audio?.settings?.echoCancellation, true, 'echo cancellation on by default');

    // The processing switches reach the sent microphone's constraints.
    await A.page.uncheck('#echo_check');
    await A.page.uncheck('#gain_check');
    await waitFor(
      async () => {
        const s = (await sending(A.page))?.audio?.settings;
        return s?.echoCancellation === false && s?.autoGainControl === false && s?.noiseSuppression === true;
      },
      { what: 'echo cancellation and gain control off on the sent microphone' },
    );

    const after = await sending(A.page);
    assert.equal(after?.local, before?.local, 'no new local description: the switch did not renegotiate');
    assert.equal(after?.remote, before?.remote, 'no new remote description');
    const seen = (await videoStats(B.page)).framesDecoded;
    await waitFor(async () => (await videoStats(B.page)).framesDecoded > seen + 10, { what: 'ken to keep decoding after the switch' });
    assert.equal(await A.page.evaluate(() => localStorage.getItem('parley.settings')?.includes('"360p"')), true, 'settings are remembered');
    assert.equal(await A.page.evaluate(() => localStorage.getItem('parley.settings')?.includes('"echoCancellation":false')), true, 'the switches are remembered');
  } finally {
    await Promise.all([A.context.close(), B.context.close()]);
  }
});

test('mute and camera-off disable the sent tracks and show as pressed', async () => {
  const A = await openSignedIn(browser, signal.url, 'leo');
  const B = await openSignedIn(browser, signal.url, 'mia');
  try {
    await connect(A.page, B.page, B.name);
    await A.page.click('#mute_button');
    await A.page.click('#camera_button');
    let s = await sending(A.page);
    assert.equal(s?.audio?.enabled, false);
    assert.equal(s?.video?.enabled, false);
    assert.equal(await A.page.getAttribute('#mute_button', 'aria-pressed'), 'true');
    assert.equal(await A.page.getAttribute('#camera_button', 'aria-pressed'), 'true');
    await A.page.click('#mute_button');
    await A.page.click('#camera_button');
    s = await sending(A.page);
    assert.equal(s?.audio?.enabled, true);
    assert.equal(s?.video?.enabled, true);
  } finally {
    await Promise.all([A.context.close(), B.context.close()]);
  }
});

test('without camera or microphone the call goes on receive-only, and the user is told why', async () => {
  const A = await openSignedIn(bare, signal.url, 'nina');
  const B = await openSignedIn(browser, signal.url, 'oscar');
  try {
    await connect(A.page, B.page, B.name);
    await waitFramesFlowing(A.page);
    assert.match((await A.page.textContent('#notice_text')) ?? '', /No camera and\/or microphone were found/);
    assert.equal((await sending(A.page))?.video, null, 'nothing is sent');
  } finally {
    await Promise.all([A.context.close(), B.context.close()]);
  }
});

test('a refused camera permission is explained, and the call goes on receive-only', async () => {
  const A = await openSignedIn(denied, signal.url, 'pia');
  const B = await openSignedIn(browser, signal.url, 'ray');
  try {
    await connect(B.page, A.page, A.name);
    await waitFramesFlowing(A.page);
    assert.match((await A.page.textContent('#notice_text')) ?? '', /Permission to use your camera and\/or microphone was denied/);
    assert.equal((await sending(A.page))?.audio, null, 'nothing is sent');
  } finally {
    await Promise.all([A.context.close(), B.context.close()]);
  }
});
