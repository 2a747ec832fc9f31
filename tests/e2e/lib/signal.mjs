// Starting bin/parley-signal for a test: on a free 127.0.0.1 port, waited for
// until it serves HTTP, and stopped (SIGTERM, then SIGKILL) by the returned
// stop(). Other suites reuse this, e.g. to point a Go peer at the same server.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (tests/e2e/lib → ../../..). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Returns a TCP port that was free a moment ago on 127.0.0.1. Another process
 * could take it before the caller binds it, so startSignal retries.
 * @returns {Promise<number>}
 */
export async function freePort() {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/**
 * Polls until fn() resolves truthy or the deadline passes.
 * @template T
 * @param {() => Promise<T> | T} fn
 * @param {{timeout?: number, interval?: number, what?: string}} [opts]
 * @returns {Promise<T>}
 */
export async function waitFor(fn, { timeout = 20000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Runs a scenario up to twice, each time with new pages and names: for
 * calls against a peer that can fail on its own (the MDN client races its
 * own renegotiation in about 3 calls of 26).
 * @param {(attempt: number) => Promise<void>} scenario
 */
export async function withOneRetry(scenario) {
  try {
    await scenario(1);
  } catch (err) {
    console.log(`# first attempt failed, retrying once: ${err instanceof Error ? err.message : err}`);
    await scenario(2);
  }
}

/**
 * @typedef {object} Signal
 * @property {string} url      http://127.0.0.1:PORT/ (the browser client)
 * @property {string} wsURL    ws://127.0.0.1:PORT/ (signaling; subprotocol "json")
 * @property {number} port
 * @property {import('node:child_process').ChildProcess} proc
 * @property {() => string} log stdout and stderr so far, for failure messages
 * @property {() => Promise<void>} stop
 */

/**
 * Starts bin/parley-signal (build it first: `make build`, or
 * `go build -o bin/parley-signal ./signaling/cmd/parley-signal`).
 * @param {{bin?: string, args?: string[], env?: NodeJS.ProcessEnv, timeout?: number, port?: number}} [opts]
 *   args are extra flags, e.g. ['--log-level', 'debug']; port restarts a
 *   server on the port a stopped one used (no retry on another port then).
 * @returns {Promise<Signal>}
 */
export async function startSignal({ bin = path.join(repoRoot, 'bin/parley-signal'), args = [], env = process.env, timeout = 15000, port: fixedPort } = {}) {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run "make build" first`);
  let lastErr;
  for (let attempt = 0; attempt < (fixedPort ? 1 : 3); attempt++) {
    const port = fixedPort ?? (await freePort());
    const proc = spawn(bin, ['--addr', `127.0.0.1:${port}`, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout?.on('data', (d) => (output += d));
    proc.stderr?.on('data', (d) => (output += d));
    const exited = once(proc, 'exit').then(() => true);
    const url = `http://127.0.0.1:${port}/`;
    const ready = waitFor(async () => (await fetch(url)).ok, { timeout, what: `parley-signal on ${url}` }).then(() => false);
    const died = await Promise.race([ready, exited]).catch((err) => {
      lastErr = err;
      return true;
    });
    if (!died) {
      return {
        url,
        wsURL: `ws://127.0.0.1:${port}/`,
        port,
        proc,
        log: () => output,
        stop: () => stopProcess(proc),
      };
    }
    await stopProcess(proc);
    lastErr = new Error(`parley-signal did not start (attempt ${attempt + 1}): ${output.trim() || lastErr}`);
  }
  throw lastErr;
}

/**
 * Stops a child process: SIGTERM, then SIGKILL after 5 s. Resolves when it has exited.
 * @param {import('node:child_process').ChildProcess} proc
 */
export async function stopProcess(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = once(proc, 'exit');
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
