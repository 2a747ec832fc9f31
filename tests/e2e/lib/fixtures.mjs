// Serving test-only pages (tests/e2e/fixtures) from their own small HTTP
// server on another 127.0.0.1 port. Like MDN's sample, whose page comes from
// the web server and whose socket goes to port 6503, these pages are
// cross-origin to parley-signal, so the server must be started with
// `--allow-origin <fixtures.host>`. (Answering the requests from Playwright's
// router instead would make Chromium treat the page as public and block its
// socket to 127.0.0.1 under Local Network Access rules.)
import { createServer } from 'node:http';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './signal.mjs';

const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

/** @type {Record<string, string>} */
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * @typedef {object} FixtureServer
 * @property {string} origin http://127.0.0.1:PORT
 * @property {string} host   127.0.0.1:PORT (what --allow-origin takes)
 * @property {(file: string, query?: Record<string, string>) => string} url
 * @property {() => Promise<void>} close
 */

/**
 * Serves tests/e2e/fixtures read-only on a free port.
 * @returns {Promise<FixtureServer>}
 */
export async function startFixtureServer() {
  const server = createServer(async (req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    const file = path.resolve(fixturesDir, rel);
    if (req.method !== 'GET' || !file.startsWith(fixturesDir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    host: `127.0.0.1:${port}`,
    url: (file, query = {}) => `${origin}/${file}?${new URLSearchParams(query)}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Opens the MDN-like client fixture (fixtures/mdn-client.html) in a fresh
 * context, pointed at the signaling socket, and signs in as `name`. Returns
 * the page and the name the server gave.
 * @param {import('playwright-core').Browser} browser
 * @param {FixtureServer} fixtures
 * @param {string} wsURL the signaling server's ws:// URL
 * @param {string} name
 */
export async function openMDNClient(browser, fixtures, wsURL, name) {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  await page.goto(fixtures.url('mdn-client.html', { signal: wsURL }));
  await page.fill('#name', name);
  await page.click('#login');
  await page.waitForFunction(() => /** @type {any} */ (window).mdn.name !== '', null, { timeout: 15000 });
  const given = await page.evaluate(() => /** @type {any} */ (window).mdn.name);
  return { page, context, name: given };
}

/**
 * Makes the MDN-like client call `name` by clicking it in its user list.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function mdnCall(page, name) {
  const item = page.locator('#userlist li').filter({ hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
  await waitFor(async () => (await item.count()) === 1, { what: `${name} in the MDN client's list` });
  await item.click();
}
