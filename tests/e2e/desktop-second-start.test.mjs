// A parley:// link clicked while Parley already runs: the system's URL
// handler starts Parley again with the link, and that second start must
// hand the link to the open window and exit, not open a second window on
// the same settings. Wails does the hand-over over the D-Bus session bus,
// so this test runs a private one (dbus-daemon), as a desktop session has.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { launchBrowser, openPage } from './lib/browser.mjs';
import { freePort, repoRoot, waitFor } from './lib/signal.mjs';
import { logTail, startDesktop, startXvfb } from './lib/desktop.mjs';

/** @type {Awaited<ReturnType<typeof startXvfb>>} */ let x;
/** @type {import('./lib/desktop.mjs').Desktop} */ let host;
/** @type {import('./lib/desktop.mjs').Desktop} */ let guest;
/** @type {import('playwright-core').Browser} */ let browser;
/** @type {import('node:child_process').ChildProcess} */ let bus;
let busAddress = '';

before(async () => {
  bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  busAddress = await new Promise((resolve, reject) => {
    let out = '';
    bus.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    bus.on('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
  });
  x = await startXvfb();
  const [portH, portG] = [await freePort(), await freePort()];
  host = await startDesktop({ display: x.display, args: ['--fake-media', '--name', 'host', '--listen', `127.0.0.1:${portH}`, '--no-discovery'] });
  guest = await startDesktop({
    display: x.display, env: { DBUS_SESSION_BUS_ADDRESS: busAddress },
    args: ['--fake-media', '--name', 'guest', '--listen', `127.0.0.1:${portG}`, '--no-discovery'],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await Promise.all([host?.stop(), guest?.stop()]);
  await x?.stop();
  bus?.kill();
});

test('a parley:// link opened while the window runs is joined by that window, and the second start exits', { timeout: 120000 }, async (t) => {
  const { page: hostUI } = await openPage(browser, host.url);
  const { page: guestUI } = await openPage(browser, guest.url);
  try {
    await hostUI.waitForSelector('#signaling-status[data-status=online]', { timeout: 30000 });
    await guestUI.waitForSelector('#signaling-status[data-status=online]', { timeout: 30000 });
    const https = await waitFor(() => /invite link: (https:\/\/\S+)/.exec(host.log())?.[1], { timeout: 10000, what: 'the host\'s invite link' });
    const link = String(https).replace(/"$/, '').replace(/^https:/, 'parley:');

    // What xdg-open does with the link: start Parley with it, on the
    // guest's settings folder and session bus.
    // Kept off the LAN and the default port even if the hand-over failed.
    const second = spawn(path.join(repoRoot, 'bin/parley-dev'), ['--no-discovery', '--listen', '127.0.0.1:0', link], {
      env: { ...process.env, DISPLAY: x.display, XDG_CONFIG_HOME: guest.configDir, DBUS_SESSION_BUS_ADDRESS: busAddress, NO_AT_BRIDGE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let secondOut = '';
    second.stdout?.on('data', (d) => (secondOut += d));
    second.stderr?.on('data', (d) => (secondOut += d));
    const timer = setTimeout(() => second.kill('SIGKILL'), 30000);
    const [code] = await once(second, 'exit');
    clearTimeout(timer);
    assert.equal(code, 0, `the second start did not hand over and exit:\n${secondOut}`);
    assert.doesNotMatch(secondOut, /invite link:/, 'the second start ran a server of its own');

    // The open window joined the host's server.
    await waitFor(async () => (await hostUI.textContent('#users'))?.includes('guest'), { timeout: 30000, what: 'the guest in the host\'s list' });
    await waitFor(async () => (await guestUI.textContent('#users'))?.includes('host'), { timeout: 30000, what: 'the host in the guest\'s list' });
  } catch (err) {
    t.diagnostic(`guest log (tail): ${logTail(guest)}`);
    throw err;
  }
});
